namespace Awsmfa.Credentials;

/// <summary>An IAM user's keys that awsmfa stored in the OS keyring (<c>awsmfa keys add</c>).</summary>
internal sealed class KeyringKind : IProfileKind
{
    public static readonly KeyringKind Instance = new();

    public string Name => "keyring";

    public bool Matches(ProfileView profile, bool asSource) => profile.Keyring is not null;

    /// <remarks>Keys also in the file: a fallback while the keyring cannot be read, and a warning (from the root, on a miss) while they stay there.</remarks>
    public RootSpec Root(ProfileView profile, KindContext context, string call) => new KeyringRootSpec(
        profile.Name,
        profile.Keyring!.AccessKeyId,
        profile.Profile.HasLongTermKeys ? new RootCredentials(profile.Profile.AccessKeyId!, profile.Profile.SecretAccessKey!) : null);
}

/// <summary>Session credentials written into a profile (<c>aws_session_token</c>, an ASIA key): they sign nothing awsmfa needs.</summary>
internal sealed class SessionCredentialsKind : IProfileKind
{
    public static readonly SessionCredentialsKind Instance = new();

    public string Name => "session";

    public bool Serves => false;

    // Keys that STS issues for sessions start with ASIA; IAM users' long-term keys with AKIA.
    public bool Matches(ProfileView profile, bool asSource) =>
        profile.Profile.SessionToken is not null || profile.Profile.AccessKeyId?.StartsWith("ASIA", StringComparison.Ordinal) == true;

    public RootSpec Root(ProfileView profile, KindContext context, string call) => throw AwsmfaException.Usage(
        $"profile '{profile.Name}' holds session credentials (aws_session_token), which cannot call {call}; name the profile with the IAM user's long-term keys");
}

/// <summary>An IAM user's keys in the credentials or config file (<c>aws_access_key_id</c>, <c>aws_secret_access_key</c>).</summary>
internal sealed class FileKeysKind : IProfileKind
{
    public static readonly FileKeysKind Instance = new();

    public string Name => "keys";

    public bool Matches(ProfileView profile, bool asSource) => profile.Profile.HasLongTermKeys;

    public RootSpec Root(ProfileView profile, KindContext context, string call) =>
        new KeysRootSpec(RootIdentity.File, profile.Name, new RootCredentials(profile.Profile.AccessKeyId!, profile.Profile.SecretAccessKey!));
}

/// <summary>A <c>credential_process</c> that runs awsmfa for another profile (the README's <c>[profile mfa]</c>): that profile, served in-process.</summary>
internal sealed class AwsmfaProcessKind : IProfileKind
{
    public static readonly AwsmfaProcessKind Instance = new();

    public string Name => "awsmfa";

    public bool Matches(ProfileView profile, bool asSource) => Target(profile) is not null;

    public string? Source(ProfileView profile) => Target(profile);

    /// <summary>The profile its credential_process serves.</summary>
    public static string? Target(ProfileView profile) =>
        profile.Profile.CredentialProcess is { } command && !profile.Profile.AssumesRole ? AwsmfaProcessProfile.Target(command) : null;

    /// <remarks>As another profile's source it is a process like any other (the resolver serves it in-process when it is the profile named).</remarks>
    public RootSpec Root(ProfileView profile, KindContext context, string call) => new ProcessRootSpec(profile.Name, profile.Profile.CredentialProcess!);
}

/// <summary>A <c>credential_process</c> (a password manager: <c>op</c>, <c>pass</c>, aws-vault's export).</summary>
internal sealed class ProcessKind : IProfileKind
{
    public static readonly ProcessKind Instance = new();

    public string Name => "process";

    public bool Matches(ProfileView profile, bool asSource) => profile.Profile.CredentialProcess is not null;

    public RootSpec Root(ProfileView profile, KindContext context, string call) => new ProcessRootSpec(profile.Name, profile.Profile.CredentialProcess!);
}

/// <summary>A profile of settings alone (a region, an mfa_serial): it gives no credentials.</summary>
internal sealed class SettingsKind : IProfileKind
{
    public static readonly SettingsKind Instance = new();

    public string Name => "settings";

    public bool Serves => false;

    public bool Matches(ProfileView profile, bool asSource) => true;

    public RootSpec Root(ProfileView profile, KindContext context, string call) => throw AwsmfaException.Usage(
        $"profile '{profile.Name}' has no keys (none in the keyring, no aws_access_key_id and aws_secret_access_key) nor a credential_process; store its keys with: awsmfa keys add --profile {profile.Name}, or name a role profile whose source_profile leads to keys");
}
