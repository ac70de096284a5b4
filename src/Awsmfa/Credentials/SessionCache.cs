using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Temporary credentials on disk, one file per (profile, long-term key, MFA device). The folder is
/// the user's alone (0700), entries are 0600 and replaced by rename, so a reader sees a whole
/// entry or none. Anything unreadable is a miss, never a crash.
/// </summary>
internal sealed class SessionCache
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const int MaxEntryBytes = 64 * 1024;
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan LockNoticeAfter = TimeSpan.FromSeconds(1);

    private readonly Reporter _reporter;
    private readonly TimeProvider _clock;
    private bool? _folderUsable;

    public SessionCache(string directory, Reporter reporter, TimeProvider clock)
    {
        Directory = directory;
        _reporter = reporter;
        _clock = clock;
    }

    public string Directory { get; }

    public static string DefaultDirectory(IEnvironment environment) =>
        environment.Get("AWSMFA_CACHE_DIR") ?? Path.Combine(environment.HomeDirectory, ".aws", "awsmfa", "cache");

    /// <summary>The entry's name: a hash, so the file name reveals neither the key id nor the device.</summary>
    /// <remarks>
    /// XxHash128 rather than SHA-256: the name only has to be stable and opaque inside a folder
    /// that is the user's alone, and SHA-256 here means loading OpenSSL, a quarter of the time of
    /// a cached run.
    /// </remarks>
    public static string KeyFor(string profile, string accessKeyId, string mfaSerial) =>
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes($"awsmfa-cache-v1\0{profile}\0{accessKeyId}\0{mfaSerial}")));

    /// <summary>Identifies the code a session was minted with, so that parallel runs given the same code recognise its session.</summary>
    public static string CodeHashFor(string code, string mfaSerial) =>
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes($"awsmfa-code-v1\0{mfaSerial}\0{code}")));

    /// <summary>The entry stored under <paramref name="key"/>, or null when there is no usable one.</summary>
    public CacheEntry? Read(string key)
    {
        var entry = ReadFile(PathFor(key));
        if (entry is not null && entry.Key != key)
        {
            _reporter.Detail($"cache entry {key} belongs to another key; ignoring it");
            return null;
        }

        return entry;
    }

    /// <summary>Stores <paramref name="entry"/>; on failure warns and returns false, since the session itself is still good.</summary>
    public bool TryWrite(CacheEntry entry)
    {
        var target = PathFor(entry.Key);
        var temp = Path.Combine(Directory, $".{entry.Key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (!EnsureFolder(create: true))
            {
                return false;
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(entry, CacheJsonContext.Default.CacheEntry);
            using (var stream = new FileStream(temp, CreateOptions(FileMode.CreateNew, FileAccess.Write)))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
            _reporter.Detail($"cached the session in {target}");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            _reporter.Warn($"could not write the session cache in {Directory}: {e.Message}");
            return false;
        }
    }

    /// <summary>Every readable entry; <paramref name="unreadable"/> counts the others.</summary>
    public IReadOnlyList<CacheEntry> ReadAll(out int unreadable)
    {
        unreadable = 0;
        var entries = new List<CacheEntry>();
        foreach (var path in EntryFiles())
        {
            var entry = ReadFile(path);
            if (entry is not null && entry.Key == Path.GetFileNameWithoutExtension(path))
            {
                entries.Add(entry);
            }
            else
            {
                unreadable++;
            }
        }

        return entries;
    }

    /// <summary>Deletes the entries <paramref name="select"/> chooses (it sees null for an unreadable one).</summary>
    public int Remove(Func<CacheEntry?, bool> select)
    {
        var removed = 0;
        foreach (var path in EntryFiles())
        {
            var entry = ReadFile(path, quiet: true);
            if (select(entry) && TryDelete(path))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Holds an exclusive lock on the entry's lock file. The operating system releases it when the
    /// process ends, however it ends, so a crash never leaves a lock that blocks the next run.
    /// </summary>
    public async Task<IDisposable?> LockAsync(string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!EnsureFolder(create: true))
        {
            return null;
        }

        var path = Path.Combine(Directory, key + ".lock");
        // Waiting for a lock is wall-clock time whatever clock decides expiry.
        var started = Stopwatch.GetTimestamp();
        var noticed = false;
        while (true)
        {
            try
            {
                // FileShare.None takes an flock(2) exclusive lock on Unix.
                return new FileStream(path, CreateOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (File.Exists(path))
            {
                var waited = Stopwatch.GetElapsedTime(started);
                if (waited >= timeout)
                {
                    throw new AwsmfaException(
                        ExitCodes.AwsError,
                        $"another awsmfa process has held the session lock for {DurationParser.Humanize(waited)}; giving up (lock file {path})");
                }

                if (!noticed && waited >= LockNoticeAfter)
                {
                    _reporter.Info("waiting for another awsmfa process to finish getting this session...");
                    noticed = true;
                }

                await Task.Delay(LockPollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _reporter.Warn($"could not lock the session cache in {Directory}: {e.Message}");
                return null;
            }
        }
    }

    private string PathFor(string key) => Path.Combine(Directory, key + ".json");

    private string[] EntryFiles()
    {
        if (!EnsureFolder(create: false))
        {
            return [];
        }

        try
        {
            return System.IO.Directory.GetFiles(Directory, "*.json");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _reporter.Warn($"could not read the session cache in {Directory}: {e.Message}");
            return [];
        }
    }

    private CacheEntry? ReadFile(string path, bool quiet = false)
    {
        try
        {
            if (!EnsureFolder(create: false))
            {
                return null;
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            if (info.LinkTarget is not null)
            {
                WarnUnless(quiet, $"ignoring cache entry {path}: it is a symbolic link");
                return null;
            }

            if (FileOwner.IsSomeoneElses(path))
            {
                WarnUnless(quiet, $"ignoring cache entry {path}: it belongs to another user");
                return null;
            }

            if (!OperatingSystem.IsWindows() && (info.UnixFileMode & GroupOrOther) != 0)
            {
                WarnUnless(quiet, $"ignoring cache entry {path}: other users can access it (expected mode 600)");
                return null;
            }

            if (info.Length > MaxEntryBytes)
            {
                _reporter.Detail($"ignoring cache entry {path}: too large");
                return null;
            }

            var entry = JsonSerializer.Deserialize(File.ReadAllBytes(path), CacheJsonContext.Default.CacheEntry);
            if (entry is null || !entry.IsWellFormed)
            {
                _reporter.Detail($"ignoring cache entry {path}: incomplete");
                return null;
            }

            return entry;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException or ArgumentException)
        {
            _reporter.Detail($"ignoring cache entry {path}: {e.GetType().Name}");
            return null;
        }
    }

    /// <summary>True when the folder exists (or was created) and only its owner can reach it.</summary>
    private bool EnsureFolder(bool create)
    {
        if (_folderUsable is { } known)
        {
            return known;
        }

        var info = new DirectoryInfo(Directory);
        if (!info.Exists)
        {
            if (!create)
            {
                return false;
            }

            try
            {
                if (OperatingSystem.IsWindows())
                {
                    info.Create();
                }
                else
                {
                    System.IO.Directory.CreateDirectory(Directory, OwnerOnlyFolder);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _reporter.Warn($"not using the session cache: could not create {Directory}: {e.Message}");
                return (_folderUsable = false).Value;
            }

            return (_folderUsable = true).Value;
        }

        if (info.LinkTarget is not null)
        {
            _reporter.Warn($"not using the session cache: {Directory} is a symbolic link");
            return (_folderUsable = false).Value;
        }

        if (FileOwner.IsSomeoneElses(Directory))
        {
            _reporter.Warn($"not using the session cache: {Directory} belongs to another user");
            return (_folderUsable = false).Value;
        }

        if (!OperatingSystem.IsWindows() && (info.UnixFileMode & GroupOrOther) != 0)
        {
            _reporter.Warn($"not using the session cache: other users can access {Directory} (run: chmod 700 '{Directory}')");
            return (_folderUsable = false).Value;
        }

        return (_folderUsable = true).Value;
    }

    private static FileStreamOptions CreateOptions(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    private void WarnUnless(bool quiet, string message)
    {
        if (quiet)
        {
            _reporter.Detail(message);
        }
        else
        {
            _reporter.Warn(message);
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
