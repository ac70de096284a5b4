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

/// <summary>
/// What a profile's kind found a chain's root to be: how the cache keys of the steps above know
/// it, how doctor describes it, the <see cref="ICredentialRoot"/> that gives its credentials, and
/// the first step over it (an MFA session, unless the kind has its own).
/// </summary>
/// <param name="Kind">The kind of root, as <c>session list</c> shows it: file, environment, process, keyring, web-identity.</param>
/// <param name="Profile">The root profile, or <c>env</c>.</param>
internal abstract record RootSpec(string Kind, string Profile)
{
    /// <summary>The STS endpoint configured instead of AWS's own (--endpoint-url, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's endpoint_url), or null.</summary>
    public string? Endpoint { get; init; }

    /// <summary>What makes two roots of this kind different; never a secret.</summary>
    protected abstract IReadOnlyList<string> OwnKeyParts { get; }

    /// <summary>What doctor says the root is: "keys in the OS keyring".</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The parts of the cache keys above the root: <see cref="OwnKeyParts"/>, and the endpoint.
    /// Credentials minted through another endpoint (a local emulator, a proxy) answer only for
    /// it: an entry made with --endpoint-url is never served to a call for AWS itself.
    /// </summary>
    public IReadOnlyList<string> KeyParts => Endpoint is null ? OwnKeyParts : [.. OwnKeyParts, "endpoint", Endpoint];

    public RootIdentity Identity => new(Kind, Profile, KeyParts);

    /// <summary>Its first step needs no MFA device (a web identity's role): no serial is asked for.</summary>
    public virtual bool NeedsNoMfaDevice => false;

    /// <summary>A role straight over it may need no MFA (temporary credentials from a process; credential_source = Environment).</summary>
    public virtual bool RolesFromRootMayNeedNoMfa => false;

    /// <summary>Its own first step gives a role's credentials (the console signs in with them as they are).</summary>
    public virtual bool GivesRoleCredentials => false;

    /// <summary>The credentials of the root, asked only on a miss.</summary>
    public abstract ICredentialRoot Create(CredentialRoots roots, SessionRequest request);

    /// <summary>The step over the root that the chain starts with: by default the MFA session.</summary>
    /// <param name="passTemporaryOn">Roles follow: a root's temporary credentials go to the first role as they are.</param>
    public virtual ICredentialStep FirstStep(ICredentialRoot root, SessionRequest request, StepServices services, bool passTemporaryOn) =>
        new SessionTokenStep(root, request, services.Clients, services.Profiles, services.Codes, services.Clock, services.Reporter, passTemporaryOn);

    /// <summary>One line naming what is wrong with --duration for its own step when no role follows; null when it takes it.</summary>
    public virtual string? DurationProblem(int seconds) => null;

    /// <summary>What doctor checks of the root beyond its resolving: a token file, a stale copy.</summary>
    public virtual IEnumerable<Diagnostics.CheckResult> Checks() => [];

    /// <summary>One spelling per endpoint: scheme, host, port and path, without a trailing slash.</summary>
    public static string CanonicalEndpoint(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path).TrimEnd('/') : url.Trim();
}

/// <summary>
/// An IAM user's keys in a file or the environment, known by their access key id (a new key
/// starts a new session).
/// </summary>
/// <param name="FromCredentialSource">A role profile's <c>credential_source = Environment</c>: its role is assumed straight from these keys.</param>
internal sealed record KeysRootSpec(string Kind, string Profile, RootCredentials Keys, bool FromCredentialSource = false) : RootSpec(Kind, Profile)
{
    protected override IReadOnlyList<string> OwnKeyParts => [Profile, Keys.AccessKeyId];

    public override string Description => Kind == RootIdentity.Environment ? "keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" : "keys in the credentials or config file";

    public override bool RolesFromRootMayNeedNoMfa => FromCredentialSource;

    public override ICredentialRoot Create(CredentialRoots roots, SessionRequest request) => new StaticKeysRoot(Identity, Keys);
}

/// <summary>A root whose credentials come from its own step, asked for keys only by a step that cannot use them.</summary>
internal sealed class NoKeysRoot(RootIdentity identity, string why) : ICredentialRoot
{
    public RootIdentity Identity { get; } = identity;

    public Task<RootCredentials> GetAsync(CancellationToken cancellationToken) => Task.FromException<RootCredentials>(AwsmfaException.Usage(why));
}
