using System.Text.RegularExpressions;
using Awsmfa.Aws;
using Awsmfa.Output;

namespace Awsmfa.Credentials;

/// <summary>
/// Checks what STS answered before awsmfa uses or caches it: a hostile or broken endpoint must not
/// plant credentials that print as shell code, live forever in the cache, or are already dead.
/// </summary>
internal static partial class StsAnswer
{
    /// <summary>How far the endpoint's clock may be from ours.</summary>
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    /// <summary>Session tokens are a few KB, role tokens with session tags a little more.</summary>
    public const int MaxTokenLength = 16 * 1024;

    public static bool HasValidShape(string? accessKeyId, string? secretAccessKey, string? sessionToken) =>
        HasValidKeyShape(accessKeyId, secretAccessKey)
        && sessionToken is { Length: > 0 and <= MaxTokenLength } && TokenPattern().IsMatch(sessionToken);

    /// <summary>An access key id and secret in the shape AWS issues (long-term keys have no token).</summary>
    public static bool HasValidKeyShape(string? accessKeyId, string? secretAccessKey) =>
        accessKeyId is not null && AccessKeyIdPattern().IsMatch(accessKeyId)
        && secretAccessKey is not null && SecretPattern().IsMatch(secretAccessKey);

    /// <summary>The credentials, or an exit-1 error naming what is wrong (never the value itself).</summary>
    public static SessionCredentials Check(
        string call, string? accessKeyId, string? secretAccessKey, string? sessionToken, DateTime? expiration, DateTimeOffset now, int requestedSeconds)
    {
        if (!HasValidShape(accessKeyId, secretAccessKey, sessionToken) || expiration is null)
        {
            throw Bad(call, "credentials that are incomplete or not in the shape AWS issues");
        }

        var expires = new DateTimeOffset(DateTime.SpecifyKind(expiration.Value.ToUniversalTime(), DateTimeKind.Utc));
        if (expires <= now)
        {
            throw Bad(call, $"credentials that expired already ({Timestamps.Format(expires)}; check this computer's clock)");
        }

        if (expires > now + TimeSpan.FromSeconds(requestedSeconds) + AllowedSkew)
        {
            throw Bad(call, $"credentials that claim to last until {Timestamps.Format(expires)}, longer than the {requestedSeconds} s asked for");
        }

        return new SessionCredentials(accessKeyId!, secretAccessKey!, sessionToken!, expires);
    }

    private static AwsmfaException Bad(string call, string what) =>
        new(ExitCodes.AwsError, $"STS answered {call} with {what}; nothing was cached");

    [GeneratedRegex(@"\A[A-Z0-9]{16,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AccessKeyIdPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9+/=]{16,256}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9+/=]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
