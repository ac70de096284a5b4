using System.Text.Json;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;

namespace Awsmfa.Eks;

/// <summary>
/// Tokens kept for reuse. kubectl runs the plugin anew on each call, and signing one loads
/// OpenSSL for HMAC-SHA256: two thirds of an <c>eks token</c> from a cached session (measured in
/// docs/benchmarks.md). A token is a bearer credential for 15 minutes from its signing, no more
/// than the session it is made from: it is kept in the cache folder beside that session (the
/// user's alone, written atomically), under a name that hashes the session's key, the cluster
/// and the region, and served while more than a minute of its life is left.
/// </summary>
internal static class EksTokenCache
{
    private const string Prefix = "eks-";

    /// <summary>Left of a token's life when it is no longer served: kubectl must get to use it.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    public static string Key(SessionCredentials credentials, string cluster, string region) =>
        Prefix + CacheKeys.For(["eks-token", credentials.AccessKeyId, Timestamps.Format(credentials.Expiration), cluster, region]);

    /// <summary>The kept token, while it has more than the margin left; null otherwise (none, stale, unreadable).</summary>
    public static ExecCredentialStatusJson? Read(SessionCache cache, string key, DateTimeOffset now)
    {
        if (cache.TryReadFile(key) is not { } bytes)
        {
            return null;
        }

        try
        {
            var kept = JsonSerializer.Deserialize(bytes, OutputJson.Compact.ExecCredentialStatusJson);
            return kept is { Token: { } token, ExpirationTimestamp: { } expiration }
                && token.StartsWith(EksToken.Prefix, StringComparison.Ordinal)
                && DateTimeOffset.TryParse(expiration, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var until)
                && until - Margin > now
                ? kept
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static void Write(SessionCache cache, string key, ExecCredentialStatusJson status) =>
        cache.TryWriteFile(key, JsonSerializer.SerializeToUtf8Bytes(status, OutputJson.Compact.ExecCredentialStatusJson), flushToDisk: false);

    /// <summary>Every kept token (<c>session clear</c>): they were made from the sessions it removes.</summary>
    public static int RemoveAll(SessionCache cache) => cache.RemoveFiles(Prefix);
}
