using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// One way of getting temporary credentials (GetSessionToken, AssumeRole over another step).
/// <see cref="CachedStep"/> wraps any step with the cache, the lock and the expiry margin.
/// </summary>
internal interface ICredentialStep
{
    /// <summary>What the cache records of this step: its type, what it is for, and its key.</summary>
    StepIdentity Identity { get; }

    /// <summary>Checks what can be checked before the lock is taken and a code is asked for.</summary>
    void Validate();

    /// <summary>
    /// New credentials from AWS. <paramref name="cachedCodeHash"/> is the code hash of the entry the
    /// cache holds (expired or ignored): a step that gets the very code it was minted with returns
    /// null, since AWS would reject the code and that entry is what the call would produce.
    /// </summary>
    Task<MintedCredentials?> MintAsync(string? cachedCodeHash, CancellationToken cancellationToken);
}

/// <summary>Credentials a step got from AWS, with the hash of the MFA code spent on them, if any.</summary>
internal sealed record MintedCredentials(SessionCredentials Credentials, string? CodeHash);

/// <summary>What identifies a step's credentials in the cache, and what <c>session list</c> shows of them.</summary>
/// <param name="Type">The AWS call, e.g. <c>sts.GetSessionToken</c>.</param>
/// <param name="Profile">The profile the user named (or <c>env</c>).</param>
/// <param name="MfaSerial">The MFA device behind the credentials.</param>
/// <param name="RoleArn">The role, for AssumeRole steps.</param>
/// <param name="KeyParts">Everything that makes two steps' credentials different; hashed into the key.</param>
internal sealed record StepIdentity(string Type, string Profile, string MfaSerial, string? RoleArn, IReadOnlyList<string> KeyParts)
{
    public const string SessionTokenType = "sts.GetSessionToken";
    public const string AssumeRoleType = "sts.AssumeRole";

    public string CacheKey => SessionCache.KeyFor([Type, .. KeyParts]);

    /// <summary>The MFA session of a profile's long-term key and device.</summary>
    public static StepIdentity ForSessionToken(string profile, string accessKeyId, string mfaSerial) =>
        new(SessionTokenType, profile, mfaSerial, RoleArn: null, [profile, accessKeyId, mfaSerial]);
}

/// <summary>Credentials as the pipeline hands them to a command.</summary>
internal sealed record ServedCredentials(StepIdentity Identity, SessionCredentials Credentials, bool FromCache);
