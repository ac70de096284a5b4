using System.Buffers;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Awsmfa.Credentials;

/// <summary>
/// What the AWS SDK made of the config and credentials files, kept in the cache folder so that a
/// run whose files are byte for byte as they were does not have the SDK read them again: on Native
/// AOT the SDK's profile reading (its type detection by reflection, its region table, its regular
/// expressions) cost a quarter of a cached answer.
/// </summary>
/// <remarks>
/// <para>The record holds what the paths were derived from (the variables that name the files,
/// the home folder), every file whose presence or bytes can change what the SDK reads (see
/// <see cref="Candidates"/>), one hash of them all, and for each profile looked up the SDK's
/// answer without its secrets. It is used only while the variables are unchanged and the files
/// hash as recorded, checked on every lookup; anything else, including an unreadable record, is
/// a miss and the SDK reads the files as always. Nothing is recorded without a home folder (the
/// SDK would look in the current one), for a relative path, or right after a file changed (it
/// may have been half written when the SDK read it).</para>
/// <para>No secret is written: a profile's <c>aws_secret_access_key</c> and
/// <c>aws_session_token</c> are read again, from the very bytes that were hashed, at the place the
/// record names (which file, which section). A profile is recorded only when that read gives what
/// the SDK gave, so a layout the simple reader does not follow is never recorded.</para>
/// </remarks>
internal sealed class ProfileMemo(SessionCache cache, Func<string, string?> variable, TimeProvider clock)
{
    public const string FileKey = "profiles";

    // Raise it whenever what is recorded of a profile, or how, changes: older records are then misses.
    private const int Version = 4;
    private const int MaxProfiles = 128;

    /// <summary>A file changed this recently may be being written while the SDK reads it: not recorded.</summary>
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(1);

    /// <summary>The variables the SDK derives the two paths from.</summary>
    private static readonly string[] PathVariables = ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "HOME", "USERPROFILE"];

    private Snapshot? _record;
    private bool _loaded;
    private (IReadOnlyList<string> Paths, List<Platform.FileStatus?> Statuses, DateTimeOffset At, FileBytes Files)? _lastRead;

    /// <summary>
    /// The files whose presence and bytes can change what the SDK reads: the credentials and config
    /// files the variables name, the defaults in ~/.aws (the SDK falls back to them when a named
    /// file is missing), and the config file beside each credentials file (read when only the
    /// credentials file is named).
    /// </summary>
    public static IReadOnlyList<string> Candidates(string credentials, string? namedConfig, string defaultCredentials, string defaultConfig) =>
        new[] { credentials, defaultCredentials, namedConfig, defaultConfig, Beside(credentials), Beside(defaultCredentials) }
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static string Beside(string credentials) => Path.Combine(Path.GetDirectoryName(credentials) ?? ".", "config");

    /// <summary>The paths the record was made for, when it holds for the files as they are now.</summary>
    public (string Credentials, string Config)? Paths => Current() is var (record, _) && record is not null ? (record.CredentialsPath, record.ConfigPath) : null;

    /// <summary>
    /// The SDK's answer for <paramref name="name"/>, from the record; null when the record does not
    /// hold or does not know the profile (a profile that does not exist is never recorded).
    /// </summary>
    public AwsProfile? Find(string name)
    {
        var (record, files) = Current();
        if (record is null || files is null || !record.Profiles.TryGetValue(name, out var known))
        {
            return null;
        }

        var secrets = known.SecretsIn switch
        {
            Place.Credentials => files.Text(record.CredentialsPath),
            Place.Config => files.Text(record.ConfigPath),
            _ => null,
        };
        var sections = secrets is null ? null : IniFile.Parse(secrets);
        return known.Profile.With(
            (AwsProfile.SecretAccessKeyKey, sections is null ? null : IniFile.Find(sections, known.SecretsSection!, AwsProfile.SecretAccessKeyKey)),
            (AwsProfile.SessionTokenKey, sections is null ? null : IniFile.Find(sections, known.SecretsSection!, AwsProfile.SessionTokenKey)));
    }

    /// <summary>
    /// Records what the SDK found for <paramref name="name"/> in the files at these paths, given
    /// their bytes before the SDK read them; nothing is recorded if they changed meanwhile or the
    /// profile's secrets cannot be found again as the SDK found them.
    /// </summary>
    public void Remember(string name, AwsProfile profile, string credentialsPath, string configPath, IReadOnlyList<string> candidates, FileBytes before)
    {
        var inputs = Inputs();
        if (!HasHome(inputs) || !candidates.All(Path.IsPathFullyQualified) || profile.Name != name)
        {
            return;
        }

        var after = Files(candidates);
        if (after is null || before.Hash != after.Hash || after.LastChange > clock.GetUtcNow() - Settled)
        {
            return;
        }

        var place = SecretsPlace(name, profile, credentialsPath, configPath, after);
        if (place is null)
        {
            return;
        }

        // The files were just read: the record holds for them when it was made for these inputs and bytes.
        var current = Loaded();
        var same = current is not null && current.Inputs.SequenceEqual(inputs) && current.Hash == after.Hash
            && current.CredentialsPath == credentialsPath && current.ConfigPath == configPath && current.Candidates.SequenceEqual(candidates);
        var known = new Known(profile.With((AwsProfile.SecretAccessKeyKey, null), (AwsProfile.SessionTokenKey, null)), place.Value.Place, place.Value.Section);
        if (same && (current!.Profiles.GetValueOrDefault(name) == known || current.Profiles.Count >= MaxProfiles))
        {
            // Recorded already, or full: a record that holds is never churned.
            return;
        }

        var profiles = same ? new Dictionary<string, Known>(current!.Profiles, StringComparer.Ordinal) : new Dictionary<string, Known>(StringComparer.Ordinal);
        profiles[name] = known;
        var record = new Snapshot(inputs, [.. candidates], credentialsPath, configPath, after.Hash, profiles);
        // A lost record costs one SDK read: it is not forced to disk.
        if (cache.TryWriteFile(FileKey, Write(record), flushToDisk: false))
        {
            (_record, _loaded) = (record, true);
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>With neither HOME nor USERPROFILE, the SDK looks in the current folder: nothing is recorded or used.</summary>
    private static bool HasHome(string?[] inputs) => !string.IsNullOrEmpty(inputs[2]) || !string.IsNullOrEmpty(inputs[3]);

    /// <summary>Where the simple reader finds the same secrets as the SDK did: the credentials file's section, else the config file's.</summary>
    private static (Place Place, string? Section)? SecretsPlace(string name, AwsProfile profile, string credentialsPath, string configPath, FileBytes files)
    {
        if (profile.SecretAccessKey is null && profile.SessionToken is null)
        {
            return (Place.None, null);
        }

        var configSection = name == "default" ? "default" : "profile " + name;
        foreach (var (place, text, section) in new[] { (Place.Credentials, files.Text(credentialsPath), name), (Place.Config, files.Text(configPath), configSection) })
        {
            var sections = IniFile.Parse(text);
            if (Same(IniFile.Find(sections, section, "aws_secret_access_key"), profile.SecretAccessKey)
                && Same(IniFile.Find(sections, section, "aws_session_token"), profile.SessionToken))
            {
                return (place, section);
            }
        }

        return null;

        static bool Same(string? found, string? sdk) => string.Equals(NullIfBlank(found), sdk, StringComparison.Ordinal);
    }

    /// <summary>
    /// The record (read once per run) and the files' bytes, when the record holds for the files as
    /// they are now: checked on every use, since a long-running awsmfa (the credentials server)
    /// must see an edit as the SDK, which reads the files on every lookup, would.
    /// </summary>
    private (Snapshot? Record, FileBytes? Files) Current()
    {
        var inputs = Inputs();
        if (Loaded() is not { } record || !HasHome(inputs) || !record.Inputs.SequenceEqual(inputs) || Files(record.Candidates) is not { } files || files.Hash != record.Hash)
        {
            return (null, null);
        }

        return (record, files);
    }

    /// <summary>The record as read from the cache folder (once per run), or as last written; null when there is none this version wrote.</summary>
    private Snapshot? Loaded()
    {
        if (!_loaded)
        {
            _loaded = true;
            try
            {
                _record = cache.TryReadFile(FileKey) is { } bytes ? JsonValues.Read(bytes, Read) : null;
            }
            catch (JsonException)
            {
                // Not a record this version wrote: a miss, replaced by the next one.
            }
        }

        return _record;
    }

    /// <summary>
    /// The files as they are now: read again unless every one of them has the same status as at
    /// the last read and had not changed for a second then (profile list over a long config looks
    /// profiles up thousands of times in one run). A lookup the record missed reads them here
    /// once, for the check and as the bytes before the SDK's read.
    /// </summary>
    public FileBytes? Files(IReadOnlyList<string> paths)
    {
        var statuses = paths.Select(p => Platform.FileStatus.Following(p)).ToList();
        if (_lastRead is { } last && last.Paths.SequenceEqual(paths) && last.Statuses.SequenceEqual(statuses)
            && statuses.All(s => s is null || s.Value.Changed < last.At - Settled))
        {
            return last.Files;
        }

        var files = FileBytes.Read(paths, statuses);
        _lastRead = files is null ? null : (paths, statuses, clock.GetUtcNow(), files);
        return files;
    }

    private string?[] Inputs() => PathVariables.Select(variable).ToArray();

    private static byte[] Write(Snapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteStartArray("inputs");
            foreach (var input in snapshot.Inputs)
            {
                json.WriteStringValue(input);
            }

            json.WriteEndArray();
            json.WriteStartArray("files");
            foreach (var file in snapshot.Candidates)
            {
                json.WriteStringValue(file);
            }

            json.WriteEndArray();
            json.WriteString("credentialsPath", snapshot.CredentialsPath);
            json.WriteString("configPath", snapshot.ConfigPath);
            json.WriteString("hash", snapshot.Hash);
            json.WriteStartObject("profiles");
            foreach (var (name, known) in snapshot.Profiles)
            {
                // Settings by name: a setting added to the profile is recorded without a change here.
                json.WriteStartObject(name);
                json.WriteStartObject("settings");
                foreach (var (key, value) in known.Profile.Settings)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
                json.WriteBoolean("regionKnown", known.Profile.RegionKnown);
                json.WriteString("secretsIn", known.SecretsIn.ToString());
                json.WriteString("secretsSection", known.SecretsSection);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The record, or null when another version wrote it; malformed JSON is a <see cref="JsonException"/>.</summary>
    private static Snapshot? Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 5 });
        Expect(ref reader, JsonTokenType.StartObject);
        var snapshot = new Snapshot([], [], "", "", "", new Dictionary<string, Known>(StringComparer.Ordinal));
        var version = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("version"u8))
            {
                Expect(ref reader, JsonTokenType.Number);
                version = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                snapshot = snapshot with { Inputs = Strings(ref reader).ToArray() };
            }
            else if (reader.ValueTextEquals("files"u8))
            {
                snapshot = snapshot with { Candidates = Strings(ref reader).OfType<string>().ToArray() };
            }
            else if (reader.ValueTextEquals("credentialsPath"u8))
            {
                snapshot = snapshot with { CredentialsPath = JsonValues.String(ref reader) ?? "" };
            }
            else if (reader.ValueTextEquals("configPath"u8))
            {
                snapshot = snapshot with { ConfigPath = JsonValues.String(ref reader) ?? "" };
            }
            else if (reader.ValueTextEquals("hash"u8))
            {
                snapshot = snapshot with { Hash = JsonValues.String(ref reader) ?? "" };
            }
            else if (reader.ValueTextEquals("profiles"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    snapshot.Profiles[name] = ReadKnown(ref reader, name);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return version == Version && snapshot.CredentialsPath.Length > 0 && snapshot.ConfigPath.Length > 0 && snapshot.Candidates.Length > 0 ? snapshot : null;
    }

    /// <summary>One profile: its settings by name, whether the SDK knew its region, where its secrets are.</summary>
    private static Known ReadKnown(ref Utf8JsonReader reader, string name)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var settings = new List<KeyValuePair<string, string?>>();
        var (regionKnown, place, section) = (false, (Place?)null, (string?)null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("settings"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.GetString()!;
                    settings.Add(KeyValuePair.Create(key, JsonValues.String(ref reader)));
                }
            }
            else if (reader.ValueTextEquals("regionKnown"u8))
            {
                reader.Read();
                regionKnown = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => throw new JsonException("regionKnown is true or false") };
            }
            else if (reader.ValueTextEquals("secretsIn"u8))
            {
                place = Enum.TryParse<Place>(JsonValues.String(ref reader), out var parsed) ? parsed : throw new JsonException("secretsIn names no place");
            }
            else if (reader.ValueTextEquals("secretsSection"u8))
            {
                section = JsonValues.String(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return new Known(new AwsProfile(name, settings, regionKnown), place ?? throw new JsonException("a profile names where its secrets are"), section);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"expected {type}");
        }
    }

    private static List<string?> Strings(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var values = new List<string?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType is JsonTokenType.String or JsonTokenType.Null ? reader.GetString() : throw new JsonException("expected a string"));
        }

        return values;
    }

    private enum Place
    {
        None,
        Credentials,
        Config,
    }

    private sealed record Known(AwsProfile Profile, Place SecretsIn, string? SecretsSection);

    /// <summary>What the record holds: what the paths were derived from, the files hashed, the two the SDK read, their hash, the profiles.</summary>
    private sealed record Snapshot(string?[] Inputs, string[] Candidates, string CredentialsPath, string ConfigPath, string Hash, Dictionary<string, Known> Profiles);
}

/// <summary>
/// The files the SDK may read, as read at one moment: each one's text (a missing file is empty),
/// one hash of all of them (their paths, whether each is there, their bytes), and when the
/// latest of them changed.
/// </summary>
internal sealed class FileBytes
{
    private readonly Dictionary<string, string> _texts;

    private FileBytes(Dictionary<string, string> texts, string hash, DateTimeOffset? lastChange)
    {
        _texts = texts;
        Hash = hash;
        LastChange = lastChange;
    }

    public string Hash { get; }

    public DateTimeOffset? LastChange { get; }

    public string Text(string path) => _texts.GetValueOrDefault(path, "");

    /// <summary>
    /// Null when a file is there but is no regular file of sane size, or cannot be read: the
    /// SDK's path then reads them, with its checks and messages. Files are opened without
    /// blocking and checked on the open file, so a FIFO put in a file's place cannot hang this.
    /// </summary>
    /// <param name="statuses">Each path's status, when the caller has just taken them.</param>
    public static FileBytes? Read(IReadOnlyList<string> paths, IReadOnlyList<Platform.FileStatus?>? statuses = null)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var hash = new XxHash128();
        DateTimeOffset? lastChange = null;
        try
        {
            for (var i = 0; i < paths.Count; i++)
            {
                var path = paths[i];
                hash.Append(Encoding.UTF8.GetBytes(path + "\0"));
                if ((statuses is null ? Platform.FileStatus.Following(path) : statuses[i]) is not { } status)
                {
                    hash.Append("missing\0"u8);
                    continue;
                }

                if (ReadRegular(path, status) is not var (bytes, changed))
                {
                    return null;
                }

                hash.Append(BitConverter.GetBytes((long)bytes.Length));
                hash.Append(bytes);
                texts[path] = Encoding.UTF8.GetString(bytes);
                lastChange = changed > lastChange || lastChange is null ? changed : lastChange;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return new FileBytes(texts, Convert.ToHexStringLower(hash.GetCurrentHash()), lastChange);
    }

    private static (byte[] Bytes, DateTimeOffset? Changed)? ReadRegular(string path, Platform.FileStatus status)
    {
        if (status.Kind != Platform.FileKind.Regular || status.Size > SharedConfigProfileStore.MaxFileBytes
            || Platform.RegularFile.Read(path, SharedConfigProfileStore.MaxFileBytes, FileShare.ReadWrite) is not { } read)
        {
            return null;
        }

        // Grown since it was looked at: being written now; the SDK's path reads it.
        var opened = read.Opened ?? status;
        return read.Bytes.Length > opened.Size ? null : (read.Bytes, opened.Changed);
    }
}
