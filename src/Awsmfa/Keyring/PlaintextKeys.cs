using System.Text;

namespace Awsmfa.Keyring;

/// <summary>
/// Takes a profile's key lines out of a shared credentials or config file and nothing else:
/// every other section, comment, blank line, line ending and the file's mode stay as they were.
/// The file is replaced atomically (a temp file beside it, then a rename), so a reader sees the
/// old file or the new one, never half of either.
/// </summary>
internal static class PlaintextKeys
{
    public static readonly string[] KeyNames = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token"];

    /// <summary>Removes the key lines of <paramref name="section"/> (as written between the brackets); the number removed.</summary>
    public static int Remove(string path, string section)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        var text = File.ReadAllText(target);
        var kept = new StringBuilder(text.Length);
        var removed = 0;
        string? current = null;
        foreach (var line in Lines(text))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('[') && trimmed.IndexOf(']', StringComparison.Ordinal) is > 0 and var end)
            {
                current = string.Join(' ', trimmed[1..end].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
            else if (current == section && IsKeyLine(trimmed))
            {
                removed++;
                continue;
            }

            kept.Append(line);
        }

        if (removed > 0)
        {
            Replace(target, Encoding.UTF8.GetBytes(kept.ToString()));
        }

        return removed;
    }

    private static bool IsKeyLine(string line)
    {
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && KeyNames.Contains(line[..equals].Trim(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The lines of <paramref name="text"/>, each with its own line ending.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        for (var start = 0; start < text.Length;)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            yield return text[start..end];
            start = end;
        }
    }

    private static void Replace(string target, byte[] bytes)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.awsmfa.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File.GetUnixFileMode(target);
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
                // UnixCreateMode is filtered by the umask; the file keeps exactly its old mode.
                File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
