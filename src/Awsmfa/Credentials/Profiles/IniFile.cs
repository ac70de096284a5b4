namespace Awsmfa.Credentials;

/// <summary>
/// The two INI reads the SDK does not expose publicly: one key of one section, and the section
/// names (the SDK's own listing leaves out profiles whose set of keys it cannot type, such as
/// keys plus mfa_serial).
/// </summary>
internal static class IniFile
{
    public static string? FindValue(string path, string section, string key) => FindValue(Lines(path), section, key);

    /// <summary>The same read, from a file's text already in hand.</summary>
    public static string? FindValueIn(string text, string section, string key) =>
        FindValue(Clean(text.Split('\n')), section, key);

    private static string? FindValue(IEnumerable<string> lines, string section, string key)
    {
        string? inSection = null;
        foreach (var line in lines)
        {
            if (SectionName(line) is { } name)
            {
                inSection = name;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (inSection == section && equals > 0 && string.Equals(line[..equals].Trim(), key, StringComparison.OrdinalIgnoreCase))
            {
                return line[(equals + 1)..].Trim();
            }
        }

        return null;
    }

    public static IEnumerable<string> SectionNames(string path) => Lines(path).Select(SectionName).OfType<string>();

    private static string? SectionName(string line)
    {
        if (line[0] != '[')
        {
            return null;
        }

        var end = line.IndexOf(']', StringComparison.Ordinal);
        return end > 0 ? string.Join(' ', line[1..end].Split(' ', StringSplitOptions.RemoveEmptyEntries)) : null;
    }

    private static IEnumerable<string> Lines(string path)
    {
        string[] lines;
        try
        {
            lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lines = [];
        }

        return Clean(lines);
    }

    private static IEnumerable<string> Clean(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';'));
}
