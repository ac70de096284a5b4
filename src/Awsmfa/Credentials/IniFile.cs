namespace Awsmfa.Credentials;

/// <summary>The one INI lookup the SDK does not expose publicly: a single key of a single section.</summary>
internal static class IniFile
{
    public static string? FindValue(string path, string section, string key)
    {
        IEnumerable<string> lines;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            lines = File.ReadLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var inSection = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                var end = line.IndexOf(']', StringComparison.Ordinal);
                inSection = end > 0 && string.Equals(
                    string.Join(' ', line[1..end].Split(' ', StringSplitOptions.RemoveEmptyEntries)),
                    section,
                    StringComparison.Ordinal);
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (inSection && equals > 0 && string.Equals(line[..equals].Trim(), key, StringComparison.OrdinalIgnoreCase))
            {
                return line[(equals + 1)..].Trim();
            }
        }

        return null;
    }
}
