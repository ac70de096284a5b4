using Awsmfa.Keyring;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// A kind of profile (keys in a file, keys in the keyring, a credential_process, a web identity,
/// a role over any of them): whether a profile is of it, how <c>profile list</c> shows it, and
/// the root it gives, whose <see cref="RootSpec"/> says how its entries are keyed, what doctor
/// says of it and which step comes first. <see cref="ProfileKinds.All"/> is the one place a
/// profile is classified, as botocore's provider builder and granted's assumers do: adding a
/// kind is one file and one line there.
/// </summary>
internal interface IProfileKind
{
    /// <summary>The KIND column of <c>profile list</c>: <c>keys</c>, <c>role</c>, <c>web-identity</c>.</summary>
    string Name { get; }

    /// <summary>Whether awsmfa serves profiles of this kind (offered for completion, resolved by <c>profile list</c>).</summary>
    bool Serves => true;

    /// <summary>Whether the profile is of this kind, from its settings alone; the first kind of <see cref="ProfileKinds.All"/> that says so wins.</summary>
    /// <param name="asSource">The profile is another's <c>source_profile</c> (botocore: its own keys then win over a role it names).</param>
    bool Matches(ProfileView profile, bool asSource);

    /// <summary>The SOURCE column of <c>profile list</c>: where the credentials come from, when another profile or place.</summary>
    string? Source(ProfileView profile) => null;

    /// <summary>The root the profile gives, its settings checked (one line naming the setting otherwise).</summary>
    /// <param name="call">What the root's credentials will be asked to sign, for messages.</param>
    RootSpec Root(ProfileView profile, KindContext context, string call);

    /// <summary>A root that the environment alone gives (no profile named), in botocore's order; null when it gives none of this kind.</summary>
    /// <param name="settingsProfile">The profile AWS_PROFILE names, if any, which must give no credentials of its own.</param>
    RootSpec? FromEnvironment(KindContext context, string? settingsProfile) => null;

    /// <summary>The step types its roots begin with, beyond the MFA session: the cache takes their entries.</summary>
    IReadOnlyList<StepType> StepTypes => [];
}

/// <summary>
/// One profile as a kind sees it: each setting by name (the SDK's reading where it models the
/// setting, the files' otherwise) and its keys in the keyring.
/// </summary>
internal sealed class ProfileView(AwsProfile profile, IProfileStore store, KeyringIndexEntry? keyring)
{
    public string Name => profile.Name;

    public AwsProfile Profile => profile;

    /// <summary>The keys awsmfa stored for the profile in the OS keyring, if any.</summary>
    public KeyringIndexEntry? Keyring => keyring;

    /// <summary>A setting, trimmed; null when absent or blank.</summary>
    public string? this[string key] => SharedConfigProfileStore.IsModelled(key)
        ? profile[key]
        : store.FindSetting(profile.Name, key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Keys of the profile's own, in the files or the keyring (session credentials count: they are refused as a root by name, never walked past).</summary>
    public bool HasOwnKeys => profile.AccessKeyId is not null && profile.SecretAccessKey is not null || keyring is not null;
}

/// <summary>What kinds read besides a profile: the environment, the files, the keyring's index.</summary>
internal sealed record KindContext(IEnvironment Environment, IProfileStore Profiles, KeyringIndex Keyring)
{
    public const string DefaultProfile = "default";

    /// <summary>A profile of the shared files, or one whose only trace is its keys in the keyring (its settings may all be defaults); null when neither.</summary>
    public ProfileView? View(string name)
    {
        var entry = Keyring.Find(name);
        return Profiles.Find(name) is { } profile ? new ProfileView(profile, Profiles, entry)
            : entry is not null ? new ProfileView(AwsProfile.Empty(name), Profiles, entry)
            : null;
    }

    /// <summary>awsmfa-USER, as CloudTrail shows it: stable, so the role's sessions are recognisably the user's.</summary>
    public string DefaultSessionName()
    {
        var user = new string((Environment.Get("USER") ?? Environment.Get("USERNAME") ?? "user")
            .Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-').ToArray());
        var name = "awsmfa-" + (user.Length > 0 ? user : "user");
        return name.Length <= 64 ? name : name[..64];
    }

    /// <summary>A path from a setting, <c>~/</c> as the home folder (botocore opens web_identity_token_file as written; a leading <c>~/</c> can only mean the home folder).</summary>
    public string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.HomeDirectory, path[2..]) : path;

    /// <summary><paramref name="value"/> when <paramref name="isValid"/>; otherwise one line naming the setting and the rule.</summary>
    public static string Checked(string value, Func<string, bool> isValid, string what, string hint) =>
        isValid(value) ? value : throw AwsmfaException.Usage($"{what} is not valid: {hint}");
}

/// <summary>Every kind of profile awsmfa knows, in the order a profile is matched against them: one line per kind.</summary>
internal static class ProfileKinds
{
    public static IReadOnlyList<IProfileKind> All { get; } =
    [
        WebIdentityKind.Instance,
        RoleKind.Instance,
        SsoKind.Instance,
        KeyringKind.Instance,
        SessionCredentialsKind.Instance,
        FileKeysKind.Instance,
        LoginSessionKind.Instance,
        AwsmfaProcessKind.Instance,
        ProcessKind.Instance,
        SettingsKind.Instance,
    ];

    /// <summary>The profile's kind: the first that matches (the last, settings alone, matches any).</summary>
    public static IProfileKind Of(ProfileView profile, bool asSource = false)
    {
        foreach (var kind in All)
        {
            if (kind.Matches(profile, asSource))
            {
                return kind;
            }
        }

        return SettingsKind.Instance;
    }
}
