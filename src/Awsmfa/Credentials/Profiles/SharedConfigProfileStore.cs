using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// Reads profiles through the AWS SDK's own <see cref="SharedCredentialsFile"/>, which merges the
/// credentials and config files and honours <c>AWS_SHARED_CREDENTIALS_FILE</c> and
/// <c>AWS_CONFIG_FILE</c> exactly as other AWS tools do. With a <see cref="ProfileMemo"/>, what the
/// SDK found is reused while both files are byte for byte unchanged.
/// </summary>
internal sealed partial class SharedConfigProfileStore : IProfileStore
{
    private readonly Lazy<(string Credentials, string Config, IReadOnlyList<string> Candidates)> _paths;
    private readonly Lazy<SharedCredentialsFile> _file;
    private readonly string? _credentialsFilePath;
    private readonly ProfileMemo? _memo;
    private FileBytes? _before;

    /// <param name="credentialsFilePath">Tests name their own file; the config file is then read beside it unless AWS_CONFIG_FILE says otherwise.</param>
    /// <param name="memo">What the SDK made of the files last time, used while they are unchanged.</param>
    public SharedConfigProfileStore(string? credentialsFilePath = null, ProfileMemo? memo = null)
    {
        _credentialsFilePath = credentialsFilePath;
        _memo = memo;
        // The paths the SDK is about to read: the variables, else ~/.aws (or the test's folder).
        _paths = new Lazy<(string, string, IReadOnlyList<string>)>(() =>
        {
            var folder = Path.GetDirectoryName(credentialsFilePath ?? SharedCredentialsFile.DefaultFilePath) ?? ".";
            var credentials = credentialsFilePath
                ?? (Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } named ? named : SharedCredentialsFile.DefaultFilePath);
            var namedConfig = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") is { Length: > 0 } configured ? configured : null;
            var candidates = credentialsFilePath is null
                ? ProfileMemo.Candidates(credentials, namedConfig, SharedCredentialsFile.DefaultFilePath, SharedCredentialsFile.DefaultConfigFilePath)
                : ProfileMemo.Candidates(credentials, namedConfig, credentials, Path.Combine(folder, "config"));
            // Without AWS_CONFIG_FILE the SDK reads the config file beside the credentials file.
            return (credentials, namedConfig ?? Path.Combine(Path.GetDirectoryName(credentials) ?? ".", "config"), candidates);
        });
        _file = new Lazy<SharedCredentialsFile>(() =>
        {
            CheckReadable(_paths.Value.Credentials, credentialsFilePath is null ? "AWS_SHARED_CREDENTIALS_FILE" : null);
            CheckReadable(_paths.Value.Config, "AWS_CONFIG_FILE");
            return credentialsFilePath is null ? new SharedCredentialsFile() : new SharedCredentialsFile(credentialsFilePath);
        });
    }

    /// <summary>Larger than any real config or credentials file, and small enough to read at once.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>
    /// The SDK reads the files whole and blocks on a FIFO: a path to /dev/zero, a pipe or a huge
    /// file (AWS_CONFIG_FILE=/dev/zero) would grow memory without end or hang. Only a regular file
    /// of sane size is handed to it; a missing file is the SDK's to treat as empty.
    /// </summary>
    private static void CheckReadable(string path, string? variable)
    {
        var status = Platform.FileStatus.Following(path);
        if (status is null)
        {
            return;
        }

        var what = variable is not null && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } ? $"{variable} ({Output.Printable.OneLine(path)})" : Output.Printable.OneLine(path);
        if (status.Value.Kind != Platform.FileKind.Regular)
        {
            throw AwsmfaException.Usage($"{what} is not a regular file; point it at your AWS config or credentials file");
        }

        if (status.Value.Size > MaxFileBytes)
        {
            throw AwsmfaException.Usage($"{what} is larger than {MaxFileBytes / 1024 / 1024} MiB, which no AWS config or credentials file is");
        }
    }

    /// <summary>Whether the SDK read the files in this run (with a memo that holds, it does not).</summary>
    internal bool ReadBySdk => _file.IsValueCreated;

    /// <summary>
    /// A file that AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE names and that is not there:
    /// botocore then reads no profile at all, while the SDK falls back to ~/.aws and would sign
    /// with whatever user is there (in CI, the wrong one). Refused, never a fallback.
    /// </summary>
    private static void CheckNamedFilesExist()
    {
        foreach (var variable in (string[])["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"])
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path && Platform.FileStatus.Following(path) is null)
            {
                throw AwsmfaException.Usage($"{variable} names {Output.Printable.OneLine(path)}, which does not exist: create it, or unset {variable}");
            }
        }
    }

    public AwsProfile? Find(string name)
    {
        CheckNamedFilesExist();
        if (_memo?.Find(name) is { } known)
        {
            return known;
        }

        // The files as they were before the SDK first read them (it reads them again on every
        // lookup): what it finds is recorded only if they are still so, and settled.
        if (_memo is not null && !_file.IsValueCreated)
        {
            _before = _memo.Files(_paths.Value.Candidates);
        }

        var found = FindWithSdk(name);
        if (found is not null && _before is not null)
        {
            _memo!.Remember(name, found, _file.Value.FilePath, ConfigPath(), _paths.Value.Candidates, _before);
        }

        return found;
    }

    private AwsProfile? FindWithSdk(string name)
    {
        try
        {
            if (!_file.Value.TryGetProfile(name, out var profile))
            {
                return null;
            }

            var options = profile.Options;
            var settings = Modelled.Select(m => KeyValuePair.Create(m.Key, m.Read(options))).Append(KeyValuePair.Create(AwsProfile.RegionKey, profile.Region?.SystemName));
            return new AwsProfile(profile.Name, settings, profile.Region is { } region && KnownRegions.IsKnown(region.SystemName));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw AwsmfaException.Usage(Unreadable(e));
        }
        catch (AmazonClientException) when (FindSetting(name, "sso_session")?.Trim() is { Length: > 0 } session && !ListSsoSessions().Contains(session))
        {
            // The SDK's own words ("Invalid Configuration. Failed to find sso_session") name neither the file nor the fix.
            throw AwsmfaException.Usage($"profile '{name}' names sso_session {session}, but {ConfigPath()} has no [sso-session {session}] section");
        }
        catch (AmazonClientException e)
        {
            // Raised for settings the SDK rejects, such as a region that is no hostname part.
            throw AwsmfaException.Usage($"profile '{name}' has a setting that the AWS SDK rejects: {AwsErrors.OneLine(e.Message)}");
        }
    }

    /// <summary>
    /// The settings the SDK reads into its options, by their names in the files: a setting it
    /// models is one line here; any other is read by name with <see cref="FindSetting"/>.
    /// </summary>
    private static readonly (string Key, Func<CredentialProfileOptions, string?> Read)[] Modelled =
    [
        (AwsProfile.AccessKeyIdKey, o => o.AccessKey),
        (AwsProfile.SecretAccessKeyKey, o => o.SecretKey),
        (AwsProfile.SessionTokenKey, o => o.Token),
        ("mfa_serial", o => o.MfaSerial),
        ("credential_process", o => o.CredentialProcess),
        ("role_arn", o => o.RoleArn),
        ("source_profile", o => o.SourceProfile),
        ("external_id", o => o.ExternalID),
        ("role_session_name", o => o.RoleSessionName),
        ("credential_source", o => o.CredentialSource),
        // The SDK reads an sso_session profile's start URL, region and scopes from its [sso-session] section.
        ("sso_session", o => o.SsoSession),
        ("sso_start_url", o => o.SsoStartUrl),
        ("sso_region", o => o.SsoRegion),
        ("sso_account_id", o => o.SsoAccountId),
        ("sso_role_name", o => o.SsoRoleName),
        ("sso_registration_scopes", o => o.SsoRegistrationScopes),
    ];

    /// <summary>Whether the SDK's reading of <paramref name="key"/> is the one to use (it merges the two files its own way).</summary>
    public static bool IsModelled(string key) => key == AwsProfile.RegionKey || Array.Exists(Modelled, m => m.Key == key);

    // The SDK keeps settings it does not model (duration_seconds, mfa_process) in an internal
    // dictionary, so these keys are read from the files directly, config file first, as the
    // AWS CLI does.
    public string? FindSetting(string name, string key)
    {
        foreach (var (path, section) in SectionsFor(name))
        {
            var value = IniFile.Find(Sections(path), section, key);
            if (value is not null)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// A file's sections, read and parsed once per run however many settings are looked up in
    /// it (several on every answer: endpoint, web identity, duration); a run is over before anyone
    /// edits it. Empty when the file cannot be read.
    /// </summary>
    private Dictionary<string, Dictionary<string, string>> Sections(string path)
    {
        if (!_sections.TryGetValue(path, out var sections))
        {
            string text;
            try
            {
                text = File.Exists(path) ? File.ReadAllText(path) : "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                text = "";
            }

            sections = IniFile.Parse(text);
            _sections[path] = sections;
        }

        return sections;
    }

    private readonly Dictionary<string, Dictionary<string, Dictionary<string, string>>> _sections = new(StringComparer.Ordinal);

    public void Forget() => _sections.Clear();

    public string? FindSsoSessionSetting(string session, string key) => IniFile.Find(Sections(ConfigPath()), "sso-session " + session, key);

    public IReadOnlyList<string> ListSsoSessions() =>
        [.. IniFile.SectionNames(ConfigPath()).Where(s => s.StartsWith("sso-session ", StringComparison.Ordinal)).Select(s => s["sso-session ".Length..].Trim()).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<string> ListNames()
    {
        CheckNamedFilesExist();
        return IniFile.SectionNames(CredentialsPath())
            .Concat(IniFile.SectionNames(ConfigPath()).Select(s => s.StartsWith("profile ", StringComparison.Ordinal) ? s["profile ".Length..] : s))
            // [DEFAULT] is an INI header (Python's configparser reads it as defaults), not a profile.
            .Where(name => name != "DEFAULT" && name != "sso-session" && !name.StartsWith("sso-session ", StringComparison.Ordinal) && !name.StartsWith("services ", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public string Describe() => $"{CredentialsPath()} or {ConfigPath()}";

    public IReadOnlyList<string> Files
    {
        get
        {
            CheckNamedFilesExist();
            return [CredentialsPath(), ConfigPath()];
        }
    }

    // The SDK's message quotes the offending line, which may hold a secret: say where, not what.
    private static string Unreadable(Exception e)
    {
        var where = LinePattern().Match(e.Message);
        return where.Success
            ? $"cannot read line {where.Groups["line"].Value} of {where.Groups["file"].Value}: it is not a [section], a key = value or a comment"
            : $"cannot read the AWS config or credentials file ({e.GetType().Name})";
    }

    [GeneratedRegex(@"^Line (?<line>\d+):<.*> in file (?<file>.+) does not contain", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex LinePattern();

    private IEnumerable<(string Path, string Section)> SectionsFor(string name)
    {
        yield return (ConfigPath(), name == "default" ? "default" : "profile " + name);
        yield return (CredentialsPath(), name);
    }

    // The paths the SDK itself reads (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, ~/.aws), so
    // the keys awsmfa reads by hand come from the very files the SDK's profiles came from.
    // While the memo holds, the paths it recorded are the SDK's, and the SDK is not started.
    private string CredentialsPath() => _memo?.Paths?.Credentials ?? _file.Value.FilePath;

    // The config file the SDK reads: with AWS_CONFIG_FILE set, its ConfigFilePath (that file, or
    // ~/.aws/config when it is missing); without it, the config file beside the credentials file,
    // though ConfigFilePath still names ~/.aws/config.
    private string ConfigPath() => _memo?.Paths?.Config ?? (Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") is { Length: > 0 }
        ? _file.Value.ConfigFilePath
        : Path.Combine(Path.GetDirectoryName(_file.Value.FilePath) ?? ".", "config"));
}
