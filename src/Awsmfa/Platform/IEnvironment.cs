namespace Awsmfa.Platform;

/// <summary>The process environment, so tests can supply their own.</summary>
internal interface IEnvironment
{
    /// <summary>The variable's value, or null when it is unset or empty.</summary>
    string? Get(string name);

    /// <summary>The user's home folder.</summary>
    string HomeDirectory { get; }

    /// <summary>Every variable, for a child process's environment.</summary>
    IEnumerable<KeyValuePair<string, string>> GetAll();
}

internal sealed class SystemEnvironment : IEnvironment
{
    public string? Get(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public string HomeDirectory => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public IEnumerable<KeyValuePair<string, string>> GetAll()
    {
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            yield return new((string)entry.Key, (string?)entry.Value ?? string.Empty);
        }
    }
}

internal static class EnvironmentPaths
{
    /// <summary>
    /// A path from a variable as botocore expands it (<c>os.path.expandvars</c>, then
    /// <c>expanduser</c>): <c>$NAME</c> and <c>${NAME}</c> (and on Windows <c>%NAME%</c>) replaced
    /// where the variable is set, an empty one included, kept as written where it is not; a leading
    /// <c>~</c> followed by the end or a separator is the home folder. <c>~user</c> is kept.
    /// </summary>
    public static string ExpandLikeBotocore(this IEnvironment environment, string path, bool windows = false)
    {
        string? Value(string name) => environment.Get(name)
            ?? (environment.GetAll().Any(v => string.Equals(v.Key, name, windows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)) ? "" : null);
        var expanded = System.Text.RegularExpressions.Regex.Replace(
            path,
            windows ? @"\$([A-Za-z0-9_]+|\{[^}]*\})|%([^%]+)%" : @"\$([A-Za-z0-9_]+|\{[^}]*\})",
            match =>
            {
                var name = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
                name = name.StartsWith('{') ? name[1..^1] : name;
                return Value(name) ?? match.Value;
            },
            System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        char[] separators = windows ? ['\\', '/'] : ['/'];
        if (expanded == "~" || (expanded.Length > 1 && expanded[0] == '~' && separators.Contains(expanded[1])))
        {
            var home = environment.HomeDirectory.TrimEnd(separators) + expanded[1..];
            return home.Length > 0 ? home : separators[0].ToString();
        }

        return expanded;
    }
}
