namespace Awsmfa.Platform;

/// <summary>
/// Replaces a file whole: the bytes go to a temp file beside it, flushed to disk, then renamed
/// over it, so a reader sees the old file or the new one, never half of either. A path that is a
/// link (a dotfiles repository) stays one: the file it leads to is replaced.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The file a path leads to, links followed; the path itself when nothing is there yet.</summary>
    public static string Target(string path) =>
        File.Exists(path) ? new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path) : Path.GetFullPath(path);

    /// <summary>A folder for files that are the user's alone: made with mode 0700 where it is missing (an existing one is left as it is).</summary>
    public static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <param name="mode">The new file's mode, exactly (not filtered by the umask); ignored on Windows.</param>
    public static void Write(string path, ReadOnlySpan<byte> bytes, UnixFileMode mode)
    {
        var target = Target(path);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.awsmfa.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // UnixCreateMode is filtered by the umask; the file gets exactly the mode asked for.
                File.SetUnixFileMode(temp, mode);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }
}
