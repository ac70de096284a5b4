using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// One way of getting temporary credentials (GetSessionToken, AssumeRole, GetFederationToken):
/// what it is, and how to get its credentials. <see cref="CachedStep"/> wraps any step with the
/// cache, the lock and the expiry margin; <see cref="MfaCodeSource"/> owns codes, including the
/// rule that a code already spent on the cached entry is not sent again. Adding a step is one
/// file with this interface and its <see cref="StepType"/>, and that type's line in
/// <see cref="StepTypes"/>; a command serves it with <see cref="CredentialPipeline.GetAsync(SessionRequest, Func{ICredentialRoot, StepServices, ICredentialStep}, CancellationToken)"/>.
/// </summary>
internal interface ICredentialStep
{
    /// <summary>What the cache records of this step: its type, what it is for, and its key.</summary>
    StepIdentity Identity { get; }

    /// <summary>New credentials from AWS (called on a cache miss, under the entry's lock).</summary>
    /// <param name="context">What the cache knows of the entry being replaced: a step that spends a code hands it to <see cref="MfaCodeSource"/>.</param>
    Task<MintedCredentials> GetAsync(MintContext context, CancellationToken cancellationToken);
}

/// <summary>What <see cref="CachedStep"/> tells a step it runs on a miss.</summary>
/// <param name="ReplacedCodeHash">
/// The code hash of the entry the cache holds for the step (expired, or ignored by --refresh): a
/// code spent on that very entry is not sent again, since AWS would reject it and the entry is
/// what a call with it would produce.
/// </param>
internal sealed record MintContext(string? ReplacedCodeHash)
{
    /// <summary>Nothing cached is being replaced (--no-cache, a first run).</summary>
    public static readonly MintContext Fresh = new((string?)null);
}

/// <summary>What a step may use besides its root: AWS clients, the profiles, MFA codes, the clock, messages for people.</summary>
internal sealed record StepServices(IAwsClientFactory Clients, IProfileStore Profiles, MfaCodeSource Codes, TimeProvider Clock, Reporter Reporter)
{
    /// <summary>
    /// A lock of the cache folder by key, held across processes until disposed (null when the
    /// cache cannot be locked): for a step whose source is shared beyond its own entry (a
    /// sign-in session's file serves several profiles, and --no-cache takes no entry lock).
    /// </summary>
    public Func<string, CancellationToken, Task<IDisposable?>> Lock { get; init; } = (_, _) => Task.FromResult<IDisposable?>(null);

    /// <summary>The IAM Identity Center sign-in a command may run by itself when its session has ended; null where none can.</summary>
    public SsoSignIn? SsoSignIn { get; init; }
}

/// <summary>Credentials a step got, with the hash of the MFA code spent on them, if any.</summary>
internal sealed record MintedCredentials(SessionCredentials Credentials, string? CodeHash)
{
    /// <summary>False for what a step only passes on (a root's own temporary credentials): not written to the cache.</summary>
    public bool Cacheable { get; init; } = true;

    /// <summary>Whether AWS sees MFA behind these credentials (an MFA session, a role assumed with one or with a code).</summary>
    public bool CarriesMfa { get; init; } = true;
}

/// <summary>What identifies a step's credentials in the cache, and what <c>session list</c> shows of them.</summary>
/// <param name="Type">The AWS call, e.g. <c>sts.GetSessionToken</c>.</param>
/// <param name="Profile">The profile the user named (or <c>env</c>).</param>
/// <param name="MfaSerial">The MFA device behind the credentials, if any.</param>
/// <param name="RoleArn">The role, for AssumeRole steps.</param>
/// <param name="Root">Where the keys below came from: file, environment, process, keyring.</param>
/// <param name="KeyParts">Everything that makes two steps' credentials different; hashed into the key.</param>
internal sealed record StepIdentity(string Type, string Profile, string? MfaSerial, string? RoleArn, string Root, IReadOnlyList<string> KeyParts)
{
    public string CacheKey => CacheKeys.For([Type, .. KeyParts]);

    /// <summary>The MFA session of a profile's long-term key in a file and device (what the cache has always keyed it by).</summary>
    /// <param name="endpoint">The STS endpoint it was minted through, when not AWS's own.</param>
    public static StepIdentity ForSessionToken(string profile, string accessKeyId, string mfaSerial, string? endpoint = null) =>
        ForSessionToken(new KeysRootSpec(RootIdentity.File, profile, new RootCredentials(accessKeyId, "")) { Endpoint = endpoint is null ? null : RootSpec.CanonicalEndpoint(endpoint) }.Identity, mfaSerial);

    public static StepIdentity ForSessionToken(RootIdentity root, string mfaSerial) =>
        new(SessionTokenStep.Type.Name, root.Profile, mfaSerial, RoleArn: null, root.Kind, [.. root.KeyParts, mfaSerial]);
}

/// <summary>A kind of step, declared by the step itself: what its cache entries must hold, how long they can live, and its words for people.</summary>
/// <param name="Name">The AWS call, as entries record it: <c>sts.GetSessionToken</c>.</param>
/// <param name="Word">One word for a table (<c>session list</c>): <c>session</c>, <c>role</c>.</param>
/// <param name="Noun">What a sentence calls its credentials (<c>whoami</c>): <c>MFA session</c>.</param>
/// <param name="NeedsMfaSerial">Whether every entry of the type names an MFA device.</param>
/// <param name="LongestSeconds">The longest AWS lets its credentials live.</param>
internal sealed record StepType(string Name, string Word, string Noun, bool NeedsMfaSerial, int LongestSeconds);

/// <summary>Every step type the cache takes: one line per step.</summary>
internal static class StepTypes
{
    public static IReadOnlyList<StepType> All { get; } =
    [
        SessionTokenStep.Type,
        AssumeRoleStep.Type,
        FederationTokenStep.Type,
        // A kind's own first steps (a web identity's role) are the kind's to declare.
        .. ProfileKinds.All.SelectMany(kind => kind.StepTypes),
    ];

    /// <summary>The type an entry names, or null for one this version does not know.</summary>
    public static StepType? Find(string name)
    {
        foreach (var type in All)
        {
            if (type.Name == name)
            {
                return type;
            }
        }

        return null;
    }

    public static bool IsKnown(string name) => Find(name) is not null;

    public static bool NeedsMfaSerial(string name) => Find(name)?.NeedsMfaSerial ?? false;

    /// <summary>The longest a type's credentials can live, clock skew allowed; none for an unknown type.</summary>
    public static TimeSpan LongestLife(string name) =>
        Find(name) is { } type ? TimeSpan.FromSeconds(type.LongestSeconds) + StsAnswer.AllowedSkew : TimeSpan.Zero;
}

/// <summary>Credentials as the pipeline hands them to a command.</summary>
internal sealed record ServedCredentials(StepIdentity Identity, SessionCredentials Credentials, bool FromCache)
{
    /// <summary>Whether AWS sees MFA behind them: false only for a root's own temporary credentials passed on.</summary>
    public bool CarriesMfa { get; init; } = true;
}
