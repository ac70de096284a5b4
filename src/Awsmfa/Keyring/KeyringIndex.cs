using System.Text.Json;
using Awsmfa.Platform;

namespace Awsmfa.Keyring;

/// <summary>One profile whose keys awsmfa put in a keyring; no secret.</summary>
internal sealed record KeyringIndexEntry(string Profile, string Backend, string AccessKeyId, DateTimeOffset Added);

internal sealed record KeyringIndexFile(int Version, IReadOnlyList<KeyringIndexEntry> Keys);

/// <summary>
/// Which profiles have keys in a keyring, with each key's id (never its secret), in
/// <c>~/.aws/awsmfa/keys.json</c>. The resolver reads it to name a chain's root and its cache keys
/// without a D-Bus round trip, so a cached answer never touches the keyring; the keyring itself is
/// asked only on a miss. Written atomically, the user's alone.
/// </summary>
internal sealed class KeyringIndex(string path)
{
    private const long MaxBytes = 1024 * 1024;
    private IReadOnlyList<KeyringIndexEntry>? _entries;

    public static KeyringIndex ForHome(IEnvironment environment) =>
        new(System.IO.Path.Combine(environment.HomeDirectory, ".aws", "awsmfa", "keys.json"));

    public string Path { get; } = path;

    public KeyringIndexEntry? Find(string profile) => Entries.FirstOrDefault(e => e.Profile == profile);

    /// <summary>Every entry; none when the file cannot be read (<see cref="Problem"/> says why).</summary>
    public IReadOnlyList<KeyringIndexEntry> Entries => _entries ??= Read();

    /// <summary>
    /// Why the file could not be read, or null. A broken record does not stop profiles with keys
    /// elsewhere: resolution warns and goes on; only the <c>keys</c> commands, which write it, refuse.
    /// </summary>
    public string? Problem
    {
        get
        {
            _ = Entries;
            return _problem;
        }
    }

    private string? _problem;

    public void Put(KeyringIndexEntry entry)
    {
        ThrowIfBroken();
        Write([.. Entries.Where(e => e.Profile != entry.Profile), entry]);
    }

    public void ThrowIfBroken()
    {
        if (Problem is { } problem)
        {
            throw AwsmfaException.Usage(problem);
        }
    }

    public bool Remove(string profile)
    {
        ThrowIfBroken();
        if (Find(profile) is null)
        {
            return false;
        }

        Write([.. Entries.Where(e => e.Profile != profile)]);
        return true;
    }

    private IReadOnlyList<KeyringIndexEntry> Read()
    {
        var status = FileStatus.Of(Path);
        if (status is null)
        {
            return [];
        }

        if (status.Value.Kind != FileKind.Regular || status.Value.Size > MaxBytes)
        {
            _problem = $"{Path} is not awsmfa's list of keyring keys (not a regular file of sane size); move it away, then awsmfa keys add the keyring's profiles again";
            return [];
        }

        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(Path), KeyringJsonContext.Default.KeyringIndexFile);
            return file is { Version: 1, Keys: { } keys } && keys.All(k => k is { Profile: not null, Backend: not null, AccessKeyId: not null })
                ? keys
                : throw new JsonException("unknown version");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            _problem = $"could not read {Path}, awsmfa's list of keyring keys ({Output.Printable.OneLine(e.Message)}); keyring profiles are not used until it is fixed: move it away, then awsmfa keys add them again";
            return [];
        }
    }

    private void Write(IReadOnlyList<KeyringIndexEntry> entries)
    {
        try
        {
            Credentials.SessionCache.CreateOwnerOnly(System.IO.Path.GetDirectoryName(Path)!);
            var file = new KeyringIndexFile(1, [.. entries.OrderBy(e => e.Profile, StringComparer.Ordinal)]);
            AtomicFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(file, KeyringJsonContext.Default.KeyringIndexFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            _entries = entries;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw AwsmfaException.Usage($"could not write {Path}: {Output.Printable.OneLine(e.Message)}");
        }
    }
}
