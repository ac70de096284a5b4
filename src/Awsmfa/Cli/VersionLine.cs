using System.CommandLine;
using System.CommandLine.Invocation;

namespace Awsmfa.Cli;

/// <summary>
/// What <c>awsmfa --version</c> prints: <c>awsmfa 1.2.3 (commit 0123456789ab)</c>. The version comes
/// from the git tag the build was made at (MinVer), the commit from the SDK's source control
/// information, both compiled in as constants (<c>BuildInfo</c>, written by the project); a build
/// from a folder without git history says so.
/// </summary>
internal static class VersionLine
{
    public const string OptionName = "--version";

    public static string Text => Build(BuildInfo.Version, BuildInfo.Commit);

    public static string Build(string version, string commit) =>
        $"awsmfa {(version.Split('+')[0] is { Length: > 0 } v ? v : "unknown")} (commit {(commit.Length >= 12 ? commit[..12] : "unknown")})";

    /// <summary>
    /// --version on the root alone: nothing else may be given with it. System.CommandLine runs an
    /// option's action before it validates anything else, so the action itself refuses the rest.
    /// </summary>
    public static Option<bool> CreateOption() => new(OptionName)
    {
        Description = "Show version information",
        Arity = ArgumentArity.Zero,
        Action = new PrintVersion(),
    };

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.Tokens.FirstOrDefault(t => t.Value != OptionName) is { } other)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"awsmfa: {OptionName} is given alone (here with '{Output.Printable.OneLine(other.Value)}')");
                return ExitCodes.UsageError;
            }

            parseResult.InvocationConfiguration.Output.WriteLine(Text);
            return ExitCodes.Success;
        }
    }
}
