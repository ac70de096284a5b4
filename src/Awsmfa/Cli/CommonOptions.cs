using System.CommandLine;
using Awsmfa.Output;

namespace Awsmfa.Cli;

/// <summary>Options every command has.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Explain each step on stderr (cache decisions, AWS error details). Never prints a secret.",
        Recursive = true,
    };

    public static Option<bool> Quiet() => new("--quiet", "-q")
    {
        Description = "Drop the status line on stderr; errors and warnings still show.",
    };

    /// <summary>
    /// An --output option typed by <typeparamref name="TFormat"/>: names are matched without
    /// regard to case, listed in help and offered by completion; the first is the default, and
    /// must be the enum's zero value (no default factory, so help shows the name, not the member).
    /// </summary>
    public static Option<TFormat> Output<TFormat>(string description, params (string Name, TFormat Format)[] formats)
        where TFormat : struct, Enum
    {
        var names = formats.Select(f => f.Name).ToArray();
        var option = new Option<TFormat>("--output", "-o")
        {
            Description = $"{description} [default: {formats[0].Name}]",
            HelpName = "FORMAT",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
                foreach (var (name, format) in formats)
                {
                    if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                    {
                        return format;
                    }
                }

                result.AddError(Suggestions.NotOneOf("--output", text, names));
                return formats[0].Format;
            },
        };
        // Instead of the enum's own member names, which System.CommandLine offers by default.
        option.CompletionSources.Clear();
        option.CompletionSources.Add(names);
        return option;
    }
}
