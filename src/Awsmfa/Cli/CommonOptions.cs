using System.CommandLine;

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

    /// <summary>An --output option whose values are listed in help and offered by completion.</summary>
    public static Option<string> Output(string description, params string[] formats)
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = description,
            HelpName = "FORMAT",
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }
}
