namespace Awsmfa.Credentials;

/// <summary>
/// One profile of the shared config and credentials files as the SDK read it: its settings by
/// the names the files give them (<c>role_arn</c>, <c>mfa_serial</c>). A new setting the SDK
/// models is one line of <see cref="SharedConfigProfileStore"/>'s table; one it does not is read
/// by name with <see cref="IProfileStore.FindSetting"/> (see <see cref="ProfileView"/>).
/// </summary>
internal sealed class AwsProfile : IEquatable<AwsProfile>
{
    public const string AccessKeyIdKey = "aws_access_key_id";
    public const string SecretAccessKeyKey = "aws_secret_access_key";
    public const string SessionTokenKey = "aws_session_token";
    public const string RegionKey = "region";

    private readonly SortedDictionary<string, string> _settings;

    /// <param name="settings">Only settings with a value (blank ones are no setting, as for the SDK).</param>
    /// <param name="regionKnown">The SDK knows the region (no typo to look for).</param>
    public AwsProfile(string name, IEnumerable<KeyValuePair<string, string?>> settings, bool regionKnown = false)
    {
        Name = name;
        RegionKnown = regionKnown;
        _settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in settings)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                _settings[key] = value.Trim();
            }
        }
    }

    /// <summary>A profile with no settings (keys in the keyring are its only trace).</summary>
    public static AwsProfile Empty(string name) => new(name, []);

    public string Name { get; }

    public bool RegionKnown { get; }

    /// <summary>Every setting with a value, by name, in one order.</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    public string? this[string key] => _settings.GetValueOrDefault(key);

    public string? AccessKeyId => this[AccessKeyIdKey];

    public string? SecretAccessKey => this[SecretAccessKeyKey];

    public string? SessionToken => this[SessionTokenKey];

    public string? MfaSerial => this["mfa_serial"];

    public string? Region => this[RegionKey];

    public string? CredentialProcess => this["credential_process"];

    public string? RoleArn => this["role_arn"];

    public string? SourceProfile => this["source_profile"];

    public string? ExternalId => this["external_id"];

    public string? RoleSessionName => this["role_session_name"];

    public string? CredentialSource => this["credential_source"];

    /// <summary>A role profile: <c>role_arn</c>, assumed with the credentials of <c>source_profile</c>.</summary>
    public bool AssumesRole => RoleArn is not null;

    /// <summary>An IAM user's access keys (not a session's): what GetSessionToken needs.</summary>
    public bool HasLongTermKeys =>
        AccessKeyId is not null && SecretAccessKey is not null && SessionToken is null && !AccessKeyId.StartsWith("ASIA", StringComparison.Ordinal);

    /// <summary>The same profile with these settings set (null removes one).</summary>
    public AwsProfile With(params (string Key, string? Value)[] changes)
    {
        var settings = _settings.ToDictionary(s => s.Key, s => (string?)s.Value, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }

        return new AwsProfile(Name, settings, RegionKnown);
    }

    public bool Equals(AwsProfile? other) =>
        other is not null && Name == other.Name && RegionKnown == other.RegionKnown && _settings.Count == other._settings.Count
        && _settings.All(s => other._settings.TryGetValue(s.Key, out var value) && value == s.Value);

    public override bool Equals(object? obj) => Equals(obj as AwsProfile);

    public override int GetHashCode() => HashCode.Combine(Name, _settings.Count);

    public static bool operator ==(AwsProfile? left, AwsProfile? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(AwsProfile? left, AwsProfile? right) => !(left == right);

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

    /// <summary>This run wrote the files (<c>init</c>): what was read of them before is read again.</summary>
    void Forget();

    /// <summary>A setting of an <c>[sso-session NAME]</c> section of the config file, as written, or null.</summary>
    string? FindSsoSessionSetting(string session, string key);

    /// <summary>The names of the config file's <c>[sso-session NAME]</c> sections.</summary>
    IReadOnlyList<string> ListSsoSessions();
}
