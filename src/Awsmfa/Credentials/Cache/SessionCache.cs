using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Temporary credentials on disk, one file per cache key. The folder is the user's alone (0700),
/// entries are 0600 and replaced by rename, so a reader sees a whole entry or none. Anything
/// unreadable, foreign, linked, special or oversized is a miss, never a crash or a hang.
/// </summary>
internal sealed class SessionCache
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>An entry is about 3 KB; nothing larger is written or read.</summary>
    public const int MaxEntryBytes = 64 * 1024;

    private const string TempSuffix = ".tmp";
    private const string OtherSuffix = ".state";
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(1);
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

    public string PathFor(string key) => Path.Combine(Directory, key + ".json");

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

    /// <summary>Stores <paramref name="entry"/>; on failure warns and returns false, since the credentials themselves are still good.</summary>
    public bool TryWrite(CacheEntry entry) =>
        WriteAtomically(entry.Key + ".json", JsonSerializer.SerializeToUtf8Bytes(entry, CacheJsonContext.Default.CacheEntry));

    /// <summary>The bytes of another file of the cache folder (not a credentials entry), read with the same care; null when there is none.</summary>
    public byte[]? TryReadFile(string key)
    {
        var path = Path.Combine(Directory, key + OtherSuffix);
        try
        {
            return EnsureFolder(create: false) && FileStatus.Of(path) is { } status && Unusable(status, path) is null ? ReadCapped(path, status) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes another file of the cache folder; true when there was one.</summary>
    public bool TryDeleteFile(string key) => EnsureFolder(create: false) && File.Exists(Path.Combine(Directory, key + OtherSuffix)) && TryDelete(Path.Combine(Directory, key + OtherSuffix));

    /// <summary>
    /// Removes the other files of the cache folder whose key starts with <paramref name="prefix"/>
    /// (those whose bytes <paramref name="stale"/> says so, when given; a file that cannot be read
    /// is stale); how many.
    /// </summary>
    public int RemoveFiles(string prefix, Func<byte[], bool>? stale = null)
    {
        if (!EnsureFolder(create: false))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, prefix + "*" + OtherSuffix))
        {
            if (stale is not null && TryReadFile(Path.GetFileName(path)[..^OtherSuffix.Length]) is { } bytes && !stale(bytes))
            {
                continue;
            }

            removed += TryDelete(path) ? 1 : 0;
        }

        return removed;
    }

    /// <summary>Replaces another file of the cache folder, atomically and owner-only.</summary>
    /// <param name="flushToDisk">False for a file whose loss after a crash costs nothing but time.</param>
    public bool TryWriteFile(string key, byte[] bytes, bool flushToDisk = true) => WriteAtomically(key + OtherSuffix, bytes, quiet: true, flushToDisk);

    private bool WriteAtomically(string fileName, byte[] bytes, bool quiet = false, bool flushToDisk = true)
    {
        var target = Path.Combine(Directory, fileName);
        var temp = Path.Combine(Directory, $".{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            if (!EnsureFolder(create: true))
            {
                return false;
            }

            if (bytes.Length > MaxEntryBytes)
            {
                _reporter.Warn("not caching these credentials: they are larger than any AWS issues");
                return false;
            }

            using (var stream = new FileStream(temp, CreateOptions(FileMode.CreateNew, FileAccess.Write)))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk);
            }

            File.Move(temp, target, overwrite: true);
            _reporter.Detail($"wrote {target}");
            RemoveTempFiles(olderThan: StaleTempAge);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            if (quiet)
            {
                _reporter.Detail($"could not write {target}: {e.Message}");
            }
            else
            {
                _reporter.Warn($"could not write the session cache in {Directory}: {e.Message}");
            }

            return false;
        }
    }

    /// <summary>Every readable entry; <paramref name="unreadable"/> counts the others not already warned about, one line each.</summary>
    public IReadOnlyList<CacheEntry> ReadAll(out int unreadable)
    {
        unreadable = 0;
        var entries = new List<CacheEntry>();
        foreach (var path in EntryFiles())
        {
            var entry = ReadFile(path, quiet: false, out var warned);
            if (entry is not null && entry.Key == Path.GetFileNameWithoutExtension(path))
            {
                entries.Add(entry);
            }
            else if (!warned)
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
    /// Deletes the temp files of writes that never finished (a crash between write and rename
    /// leaves one, holding a live secret); <paramref name="olderThan"/> spares writes in progress.
    /// </summary>
    public int RemoveTempFiles(TimeSpan olderThan)
    {
        if (!EnsureFolder(create: false))
        {
            return 0;
        }

        var removed = 0;
        var now = _clock.GetUtcNow();
        try
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "." + "*" + TempSuffix))
            {
                if (now - File.GetLastWriteTimeUtc(path) >= olderThan && FileStatus.Of(path) is { Kind: FileKind.Regular, IsSomeoneElses: false } && TryDelete(path))
                {
                    removed++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _reporter.Detail($"could not look for left-over temp files: {e.Message}");
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
            if (FileStatus.Of(path) is { Kind: not FileKind.Regular })
            {
                _reporter.Warn($"not locking the session cache: {path} is not a regular file");
                return null;
            }

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

    private CacheEntry? ReadFile(string path, bool quiet = false) => ReadFile(path, quiet, out _);

    /// <param name="warned">Whether a warning line said why it was not read.</param>
    private CacheEntry? ReadFile(string path, bool quiet, out bool warned)
    {
        warned = false;
        try
        {
            if (!EnsureFolder(create: false) || FileStatus.Of(path) is not { } status)
            {
                return null;
            }

            if (Unusable(status, "cache entry " + path) is { } reason)
            {
                WarnUnless(quiet, $"ignoring {reason}");
                warned = !quiet;
                return null;
            }

            var bytes = ReadCapped(path, status);
            if (bytes is null)
            {
                _reporter.Detail($"ignoring cache entry {path}: it changed while being read, or is too large");
                return null;
            }

            var entry = CacheEntryReader.Read(bytes);
            if (entry is null || !entry.IsWellFormed)
            {
                _reporter.Detail($"ignoring cache entry {path}: incomplete, from another version, or not what AWS issues");
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

    /// <summary>Why a file or folder must not be used, or null when it is the owner's alone.</summary>
    private static string? Unusable(FileStatus status, string what) => status switch
    {
        { Kind: FileKind.Link } => $"{what}: it is a symbolic link",
        { Kind: FileKind.Other } => $"{what}: it is not a regular file",
        { IsSomeoneElses: true } => $"{what}: it belongs to another user",
        { OthersCanAccess: true } => $"{what}: other users can access it (expected mode {(status.Kind == FileKind.Directory ? "700" : "600")})",
        { Kind: FileKind.Regular, Size: > MaxEntryBytes } => $"{what}: it is too large",
        _ => null,
    };

    /// <summary>
    /// Reads the file that was checked, not whatever the path names by the time it is opened:
    /// opened without blocking, then the open file must be the same inode, still regular, still
    /// small. At most <see cref="MaxEntryBytes"/> are read.
    /// </summary>
    private static byte[]? ReadCapped(string path, FileStatus checkedStatus)
    {
        if (RegularFile.Read(path, MaxEntryBytes, FileShare.Read) is not { } read)
        {
            return null;
        }

        return read.Opened is { } opened && (opened.Inode != checkedStatus.Inode || opened.IsSomeoneElses) ? null : read.Bytes;
    }

    /// <summary>True when the folder exists (or was created) and only its owner can reach it.</summary>
    private bool EnsureFolder(bool create)
    {
        if (_folderUsable is { } known)
        {
            return known;
        }

        var status = FileStatus.Of(Directory);
        if (status is null)
        {
            if (!create)
            {
                return false;
            }

            try
            {
                CreateOwnerOnly(Directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _reporter.Warn($"not using the session cache{NorSpentCodes}: could not create {Directory}: {e.Message}");
                return (_folderUsable = false).Value;
            }

            // Checked again after creating: another process may have created it first.
            status = FileStatus.Of(Directory);
        }

        var reason = status switch
        {
            null => $"{Directory} disappeared",
            { Kind: FileKind.Link } => $"{Directory} is a symbolic link",
            { Kind: not FileKind.Directory } => $"{Directory} is not a folder",
            { IsSomeoneElses: true } => $"{Directory} belongs to another user",
            { OthersCanAccess: true } => $"other users can access {Directory} (run: chmod 700 '{Directory}')",
            _ when OperatingSystem.IsWindows() && OwnerOnlyAcl.WhyNotPrivate(Directory) is { } why =>
                $"{why} (remove the folder: awsmfa makes it again, yours alone)",
            _ => null,
        };
        if (reason is not null)
        {
            _reporter.Warn($"not using the session cache{NorSpentCodes}: {reason}");
            return (_folderUsable = false).Value;
        }

        return (_folderUsable = true).Value;
    }

    /// <summary>
    /// Creates the folder and every missing parent as 0700, whatever the umask: under umask 000 a
    /// parent such as ~/.aws made world-writable would let another user plant a config file. On
    /// Windows, with an ACL that grants the current user alone, which the files inherit.
    /// </summary>
    internal static void CreateOwnerOnly(string folder)
    {
        var missing = new Stack<string>();
        for (var path = Path.GetFullPath(folder); !string.IsNullOrEmpty(path) && FileStatus.Of(path) is null; path = Path.GetDirectoryName(path))
        {
            missing.Push(path);
        }

        foreach (var path in missing)
        {
            if (OperatingSystem.IsWindows())
            {
                OwnerOnlyAcl.CreateDirectory(path);
                continue;
            }

            System.IO.Directory.CreateDirectory(path, OwnerOnlyFolder);
            if (FileStatus.Of(path) is { Kind: FileKind.Directory, IsSomeoneElses: false })
            {
                File.SetUnixFileMode(path, OwnerOnlyFolder);
            }
        }
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

    // The memory of spent codes lives in the same folder: the user should know it is off too.
    private const string NorSpentCodes = " (nor its memory of spent MFA codes: a code given twice is sent twice)";

    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    private void WarnUnless(bool quiet, string message)
    {
        // An entry is read before the lock and again after it: one warning for one problem.
        if (quiet || !_warned.Add(message))
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
