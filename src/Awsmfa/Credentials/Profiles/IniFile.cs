namespace Awsmfa.Credentials;

/// <summary>
/// The two INI reads the SDK does not expose publicly: one key of one section, and the section
/// names (the SDK's own listing leaves out profiles whose set of keys it cannot type, such as
/// keys plus mfa_serial).
/// </summary>
internal static class IniFile
{
    public static string? FindValue(string path, string section, string key) => Find(Parse(Lines(path)), section, key);

    /// <summary>Every section's keys, from a file's text, read once and looked up as often as asked (<see cref="Find"/>).</summary>
    public static Dictionary<string, Dictionary<string, string>> Parse(string text) => Parse(Clean(text.Split('\n')));

    /// <summary>A key of a section, as the AWS tools read it: the first occurrence wins, the key's case is ignored.</summary>
    public static string? Find(Dictionary<string, Dictionary<string, string>> sections, string section, string key) =>
        sections.TryGetValue(section, out var keys) && keys.TryGetValue(key, out var value) ? value : null;

    private static Dictionary<string, Dictionary<string, string>> Parse(IEnumerable<string> lines)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? keys = null;
        foreach (var line in lines)
        {
            if (SectionName(line) is { } name)
            {
                // A section named twice is one section, its first value of each key winning.
                if (!sections.TryGetValue(name, out keys))
                {
                    keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    sections[name] = keys;
                }

                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (keys is not null && equals > 0)
            {
                keys.TryAdd(line[..equals].Trim(), line[(equals + 1)..].Trim());
            }
        }

        return sections;
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
