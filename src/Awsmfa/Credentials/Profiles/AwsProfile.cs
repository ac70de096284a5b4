namespace Awsmfa.Credentials;

/// <summary>What awsmfa needs to know of one profile in the shared config and credentials files.</summary>
/// <param name="RegionKnown">The SDK knows <paramref name="Region"/> (no typo to look for).</param>
internal sealed record AwsProfile(
    string Name,
    string? AccessKeyId,
    string? SecretAccessKey,
    string? SessionToken,
    string? MfaSerial,
    string? Region,
    string? CredentialProcess,
    string? RoleArn,
    string? SourceProfile = null,
    string? ExternalId = null,
    string? RoleSessionName = null,
    string? CredentialSource = null,
    bool RegionKnown = false)
{
    /// <summary>A role profile: <c>role_arn</c>, assumed with the credentials of <c>source_profile</c>.</summary>
    public bool AssumesRole => RoleArn is not null;

    /// <summary>An IAM user's access keys (not a session's): what GetSessionToken needs.</summary>
    public bool HasLongTermKeys =>
        AccessKeyId is not null && SecretAccessKey is not null && SessionToken is null && !AccessKeyId.StartsWith("ASIA", StringComparison.Ordinal);

    public override string ToString() => $"AwsProfile {{ Name = {Name}, AccessKeyId = {(AccessKeyId is null ? "" : Aws.KeyIds.Mask(AccessKeyId))} }}";
}

/// <summary>The shared config and credentials files (<c>~/.aws/config</c>, <c>~/.aws/credentials</c>).</summary>
internal interface IProfileStore
{
    AwsProfile? Find(string name);

    /// <summary>A setting the SDK does not model (<c>duration_seconds</c>, <c>mfa_process</c>) as written, or null.</summary>
    string? FindSetting(string name, string key);

    /// <summary>The names of every profile, for completion.</summary>
    IReadOnlyList<string> ListNames();

    /// <summary>Where the files are, for messages.</summary>
    string Describe();

    /// <summary>The credentials file and the config file, as the SDK reads them.</summary>
    IReadOnlyList<string> Files { get; }
}
