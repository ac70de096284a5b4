using System.CommandLine;

namespace Awsmfa.Cli;

/// <summary>The writers and reporter of one invocation, as configured by the caller (real console or a test's StringWriter).</summary>
internal sealed class CommandRun(ParseResult parseResult, Option<bool>? quiet = null)
{
    public ParseResult ParseResult { get; } = parseResult;

    public TextWriter Output => ParseResult.InvocationConfiguration.Output;

    public Reporter Reporter { get; } = new(
        parseResult.InvocationConfiguration.Error,
        parseResult.GetValue(CommonOptions.Verbose),
        quiet is not null && parseResult.GetValue(quiet));
}
