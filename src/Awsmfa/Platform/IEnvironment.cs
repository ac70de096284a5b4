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
    /// <c>expanduser</c>): <c>$NAME</c> and <c>${NAME}</c> replaced where the variable is set, kept
    /// as written where it is not; a leading <c>~</c> or <c>~/</c> is the home folder.
    /// </summary>
    public static string ExpandLikeBotocore(this IEnvironment environment, string path)
    {
        var expanded = System.Text.RegularExpressions.Regex.Replace(
            path,
            @"\$([A-Za-z0-9_]+|\{[^}]*\})",
            match =>
            {
                var name = match.Groups[1].Value;
                name = name.StartsWith('{') ? name[1..^1] : name;
                return environment.Get(name) ?? match.Value;
            },
            System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        return expanded == "~" ? environment.HomeDirectory
            : expanded.StartsWith("~/", StringComparison.Ordinal) ? environment.HomeDirectory.TrimEnd('/') + expanded[1..]
            : expanded;
    }
}
