namespace Awsmfa.Platform;

/// <summary>
/// A program name resolved as a shell resolves it: a name with a slash as it is, any other name
/// in PATH's folders only. .NET's own lookup on Unix tries the program's folder and the current
/// folder before PATH, so a file named <c>op</c> in an untrusted checkout would run in its place.
/// </summary>
internal static class ProgramPath
{
    /// <summary>The program to start: <paramref name="name"/> itself when it has a slash (or on Windows), else the first executable file of that name on <paramref name="path"/>; null when there is none.</summary>
    public static string? Resolve(string name, string? path)
    {
        if (OperatingSystem.IsWindows() || name.Contains('/', StringComparison.Ordinal))
        {
            return name;
        }

        foreach (var folder in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathRooted(folder))
            {
                // An empty or relative PATH entry means the current folder: not looked in.
                continue;
            }

            var candidate = Path.Combine(folder, name);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A file with an execute bit (any file on Windows, where extensions decide).</summary>
    public static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
