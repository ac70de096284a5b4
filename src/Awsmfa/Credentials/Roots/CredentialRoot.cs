using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// Where a chain's first credentials come from: an IAM user's keys in a file or the environment,
/// a profile's <c>credential_process</c>, the OS keyring. A root is a step like the others (an
/// identity, and credentials on demand), except that what it gives is never written to disk:
/// <see cref="CachedStep"/> wraps the steps above it, and asks a root only on a miss, under the
/// entry's lock.
/// </summary>
internal interface ICredentialRoot
{
    RootIdentity Identity { get; }

    Task<RootCredentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>What identifies a root in the cache keys of the steps above it, and what <c>session list</c> shows of it.</summary>
/// <param name="Kind">file, environment, process or keyring.</param>
/// <param name="Profile">The profile the keys belong to (<c>env</c> for keys from the environment without one).</param>
/// <param name="KeyParts">What makes two roots' credentials different; never a secret.</param>
internal sealed record RootIdentity(string Kind, string Profile, IReadOnlyList<string> KeyParts)
{
    public const string File = "file";
    public const string Environment = "environment";
    public const string Process = "process";
    public const string Keyring = "keyring";
    public const string WebIdentity = "web-identity";
}

/// <summary>What a root gives: an IAM user's long-term keys, or (a credential_process, the environment) temporary credentials.</summary>
internal sealed record RootCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null, DateTimeOffset? Expiration = null)
{
    /// <summary>Long-term keys: what GetSessionToken and GetFederationToken need.</summary>
    public bool IsLongTerm => SessionToken is null;

    public LongTermCredentials LongTerm => new(AccessKeyId, SecretAccessKey);

    public SessionCredentials Session => new(AccessKeyId, SecretAccessKey, SessionToken ?? "", Expiration ?? DateTimeOffset.MaxValue);

    public override string ToString() => $"RootCredentials {{ AccessKeyId = {KeyIds.Mask(AccessKeyId)}, Temporary = {!IsLongTerm} }}";
}

/// <summary>Keys already read with the profile (<c>aws_access_key_id</c>) or from <c>AWS_ACCESS_KEY_ID</c>.</summary>
internal sealed class StaticKeysRoot(RootIdentity identity, RootCredentials keys) : ICredentialRoot
{
    public RootIdentity Identity { get; } = identity;

    public Task<RootCredentials> GetAsync(CancellationToken cancellationToken) => Task.FromResult(keys);
}

/// <summary>What the resolver found a chain's root to be; the chain makes the <see cref="ICredentialRoot"/> from it.</summary>
/// <param name="Kind">A <see cref="RootIdentity"/> kind.</param>
/// <param name="Profile">The root profile, or <c>env</c>.</param>
/// <param name="Keys">Keys already in hand (file, environment).</param>
/// <param name="Command">A <c>credential_process</c> command line.</param>
/// <param name="KeyringKeyId">The id of the keys the keyring holds for the profile, as awsmfa stored them; <paramref name="Keys"/> is then a plaintext copy, used only when the keyring cannot be read.</param>
/// <param name="Endpoint">The STS endpoint configured instead of AWS's own (--endpoint-url, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's endpoint_url), or null.</param>
/// <param name="WebIdentity">The role and token of a web identity root (its credentials come from STS, not from keys).</param>
internal sealed record RootSpec(string Kind, string Profile, RootCredentials? Keys = null, string? Command = null, string? KeyringKeyId = null, string? Endpoint = null, WebIdentity? WebIdentity = null)
{
    /// <summary>
    /// The parts of the cache keys above the root. Keys in a file or the environment are known by
    /// their access key id (a new key starts a new session); a process or keyring root by its
    /// profile and how it is reached, so that a cached answer never has to run it. Keys in a keyring
    /// are known by the id awsmfa recorded when storing them, as keys in a file: moving keys from
    /// the file into the keyring keeps the session, a rotated key starts a new one.
    /// </summary>
    /// <remarks>
    /// Credentials minted through another endpoint (a local emulator, a proxy) answer only for it:
    /// an entry made with --endpoint-url is never served to a call for AWS itself.
    /// </remarks>
    public IReadOnlyList<string> KeyParts
    {
        get
        {
            IReadOnlyList<string> parts = Kind switch
            {
                RootIdentity.Keyring when KeyringKeyId is not null => [Profile, KeyringKeyId],
                RootIdentity.File or RootIdentity.Environment when Keys is not null => [Profile, Keys.AccessKeyId],
                RootIdentity.Process => [Profile, RootIdentity.Process, Command ?? ""],
                // The token's hash: a role above answers for this token only (another job's token
                // in the same file must not be served a role the first job assumed).
                RootIdentity.WebIdentity when WebIdentity is not null => [Profile, RootIdentity.WebIdentity, WebIdentity.RoleArn, WebIdentity.TokenFile, WebIdentity.SessionName, WebIdentity.TokenHash],
                _ => [Profile, Kind],
            };
            return Endpoint is null ? parts : [.. parts, "endpoint", Endpoint];
        }
    }

    public RootIdentity Identity => new(Kind, Profile, KeyParts);

    /// <summary>One spelling per endpoint: scheme, host, port and path, without a trailing slash.</summary>
    public static string CanonicalEndpoint(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path).TrimEnd('/') : url.Trim();
}

/// <summary>A root whose credentials come from its own step (a web identity's role), asked for keys only by a step that cannot use them.</summary>
internal sealed class NoKeysRoot(RootIdentity identity, string why) : ICredentialRoot
{
    public RootIdentity Identity { get; } = identity;

    public Task<RootCredentials> GetAsync(CancellationToken cancellationToken) => Task.FromException<RootCredentials>(AwsmfaException.Usage(why));
}
