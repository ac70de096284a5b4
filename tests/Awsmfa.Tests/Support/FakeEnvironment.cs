using Awsmfa.Platform;

namespace Awsmfa.Tests.Support;

internal sealed class FakeEnvironment(string home) : IEnvironment
{
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public string HomeDirectory { get; } = home;

    public string? this[string name]
    {
        set
        {
            if (value is null)
            {
                Variables.Remove(name);
            }
            else
            {
                Variables[name] = value;
            }
        }
    }

    public IEnumerable<KeyValuePair<string, string>> GetAll() => Variables;

    public string? Get(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
