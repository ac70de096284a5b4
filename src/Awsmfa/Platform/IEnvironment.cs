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
