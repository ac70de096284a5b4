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
/// <para>The record holds the paths the SDK read, with what they were derived from (the variables
/// that name the files, the home folder), a hash of both files' bytes, and for each profile looked
/// up the SDK's answer without its secrets. It is used only when the variables are unchanged and
/// both files hash as recorded; anything else, including an unreadable record, is a miss and the
/// SDK reads the files as always.</para>
/// <para>No secret is written: a profile's <c>aws_secret_access_key</c> and
/// <c>aws_session_token</c> are read again, from the very bytes that were hashed, at the place the
/// record names (which file, which section). A profile is recorded only when that read gives what
/// the SDK gave, so a layout the simple reader does not follow is never recorded.</para>
/// </remarks>
internal sealed class ProfileMemo(SessionCache cache, Func<string, string?> variable)
{
    public const string FileKey = "profiles";
    private const int Version = 1;
    private const int MaxProfiles = 64;

    /// <summary>The variables the SDK derives the two paths from.</summary>
    private static readonly string[] PathVariables = ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "HOME", "USERPROFILE"];

    private Snapshot? _record;
    private bool _loaded;

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
            Place.Credentials => files.Credentials,
            Place.Config => files.Config,
            _ => null,
        };
        return known.Profile with
        {
            SecretAccessKey = secrets is null ? null : IniFile.FindValueIn(secrets, known.SecretsSection!, "aws_secret_access_key"),
            SessionToken = secrets is null ? null : IniFile.FindValueIn(secrets, known.SecretsSection!, "aws_session_token"),
        };
    }

    /// <summary>
    /// Records what the SDK found for <paramref name="name"/> in the files at these paths, given
    /// their bytes before the SDK read them; nothing is recorded if they changed meanwhile or the
    /// profile's secrets cannot be found again as the SDK found them.
    /// </summary>
    public void Remember(string name, AwsProfile profile, string credentialsPath, string configPath, FileBytes before)
    {
        var after = FileBytes.Read(credentialsPath, configPath);
        if (after is null || before.Hash != after.Hash || profile.Name != name)
        {
            return;
        }

        var place = SecretsPlace(name, profile, after);
        if (place is null)
        {
            return;
        }

        var inputs = Inputs();
        var (current, _) = Current();
        var profiles = current is not null && current.Hash == after.Hash && current.CredentialsPath == credentialsPath && current.ConfigPath == configPath
            ? new Dictionary<string, Known>(current.Profiles, StringComparer.Ordinal)
            : new Dictionary<string, Known>(StringComparer.Ordinal);
        if (profiles.Count >= MaxProfiles && !profiles.ContainsKey(name))
        {
            profiles.Clear();
        }

        profiles[name] = new Known(profile with { SecretAccessKey = null, SessionToken = null }, place.Value.Place, place.Value.Section);
        var record = new Snapshot(inputs, credentialsPath, configPath, after.Hash, profiles);
        if (cache.TryWriteFile(FileKey, Write(record)))
        {
            (_record, _loaded) = (record, true);
        }
    }

    /// <summary>Where the simple reader finds the same secrets as the SDK did: the credentials file's section, else the config file's.</summary>
    private static (Place Place, string? Section)? SecretsPlace(string name, AwsProfile profile, FileBytes files)
    {
        if (profile.SecretAccessKey is null && profile.SessionToken is null)
        {
            return (Place.None, null);
        }

        var configSection = name == "default" ? "default" : "profile " + name;
        foreach (var (place, text, section) in new[] { (Place.Credentials, files.Credentials, name), (Place.Config, files.Config, configSection) })
        {
            if (Same(IniFile.FindValueIn(text, section, "aws_secret_access_key"), profile.SecretAccessKey)
                && Same(IniFile.FindValueIn(text, section, "aws_session_token"), profile.SessionToken))
            {
                return (place, section);
            }
        }

        return null;

        static bool Same(string? found, string? sdk) => string.Equals(string.IsNullOrWhiteSpace(found) ? null : found, sdk, StringComparison.Ordinal);
    }

    /// <summary>
    /// The record (read once per run) and the files' bytes, when the record holds for the files as
    /// they are now: checked on every use, since a long-running awsmfa (the credentials server)
    /// must see an edit as the SDK, which reads the files on every lookup, would.
    /// </summary>
    private (Snapshot? Record, FileBytes? Files) Current()
    {
        if (!_loaded)
        {
            _loaded = true;
            try
            {
                _record = cache.TryReadFile(FileKey) is { } bytes ? Read(bytes) : null;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // Not a record this version wrote (malformed, invalid UTF-8 in a string, a number
                // out of range): a miss, replaced by the next one.
            }
        }

        if (_record is null || !_record.Inputs.SequenceEqual(Inputs()) || FileBytes.Read(_record.CredentialsPath, _record.ConfigPath) is not { } files || files.Hash != _record.Hash)
        {
            return (null, null);
        }

        return (_record, files);
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
            json.WriteString("credentialsPath", snapshot.CredentialsPath);
            json.WriteString("configPath", snapshot.ConfigPath);
            json.WriteString("hash", snapshot.Hash);
            json.WriteStartObject("profiles");
            foreach (var (name, known) in snapshot.Profiles)
            {
                var p = known.Profile;
                json.WriteStartArray(name);
                foreach (var value in (string?[])[p.AccessKeyId, p.MfaSerial, p.Region, p.CredentialProcess, p.RoleArn, p.SourceProfile, p.ExternalId, p.RoleSessionName, p.CredentialSource, p.RegionKnown ? "known" : null, known.SecretsIn.ToString(), known.SecretsSection])
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The record, or null when another version wrote it; malformed JSON is a <see cref="JsonException"/>.</summary>
    private static Snapshot? Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 4 });
        Expect(ref reader, JsonTokenType.StartObject);
        var snapshot = new Snapshot([], "", "", "", new Dictionary<string, Known>(StringComparer.Ordinal));
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
            else if (reader.ValueTextEquals("credentialsPath"u8))
            {
                snapshot = snapshot with { CredentialsPath = CacheEntryReader.String(ref reader) ?? "" };
            }
            else if (reader.ValueTextEquals("configPath"u8))
            {
                snapshot = snapshot with { ConfigPath = CacheEntryReader.String(ref reader) ?? "" };
            }
            else if (reader.ValueTextEquals("hash"u8))
            {
                snapshot = snapshot with { Hash = CacheEntryReader.String(ref reader) ?? "" };
            }
            else if (reader.ValueTextEquals("profiles"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    var v = Strings(ref reader);
                    if (v.Count != 12 || !Enum.TryParse<Place>(v[10], out var place))
                    {
                        throw new JsonException("a profile is twelve strings");
                    }

                    snapshot.Profiles[name] = new Known(new AwsProfile(name, v[0], null, null, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9] == "known"), place, v[11]);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return version == Version && snapshot.CredentialsPath.Length > 0 && snapshot.ConfigPath.Length > 0 ? snapshot : null;
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

    /// <summary>What the record holds: what the paths were derived from, the paths, the files' hash, the profiles.</summary>
    private sealed record Snapshot(string?[] Inputs, string CredentialsPath, string ConfigPath, string Hash, Dictionary<string, Known> Profiles);
}

/// <summary>Both files' text as read at one moment (a missing file is empty), and one hash of the two.</summary>
internal sealed record FileBytes(string Credentials, string Config, string Hash)
{
    /// <summary>
    /// Null when either file is there but is no regular file of sane size, or cannot be read: the
    /// SDK's path then reads them, with its checks and messages.
    /// </summary>
    public static FileBytes? Read(string credentialsPath, string configPath)
    {
        try
        {
            if (ReadFile(credentialsPath) is not { } credentials || ReadFile(configPath) is not { } config)
            {
                return null;
            }

            var hash = new XxHash128();
            hash.Append(BitConverter.GetBytes((long)credentials.Length));
            hash.Append(credentials);
            hash.Append(config);
            return new FileBytes(Encoding.UTF8.GetString(credentials), Encoding.UTF8.GetString(config), Convert.ToHexStringLower(hash.GetCurrentHash()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static byte[]? ReadFile(string path) => Platform.FileStatus.Following(path) switch
    {
        null => [],
        { Kind: Platform.FileKind.Regular, Size: <= SharedConfigProfileStore.MaxFileBytes } => File.ReadAllBytes(path),
        _ => null,
    };
}
