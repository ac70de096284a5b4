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
    public static string Text => Build(BuildInfo.Version, BuildInfo.Commit);

    public static string Build(string version, string commit) =>
        $"awsmfa {(version.Split('+')[0] is { Length: > 0 } v ? v : "unknown")} (commit {(commit.Length >= 12 ? commit[..12] : "unknown")})";

    /// <summary>--version on the root alone, as System.CommandLine's own: nothing else may be given with it.</summary>
    public static Option<bool> CreateOption()
    {
        var option = new Option<bool>("--version")
        {
            Description = "Show version information",
            Arity = ArgumentArity.Zero,
            Action = new PrintVersion(),
        };
        option.Validators.Add(result =>
        {
            if (!result.Implicit && result.Parent is System.CommandLine.Parsing.CommandResult command
                && (command.Tokens.Count > 0 || command.Children.Any(c => c != result && c is not System.CommandLine.Parsing.OptionResult { Implicit: true })))
            {
                result.AddError("--version option cannot be combined with other arguments.");
            }
        });
        return option;
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Text);
            return ExitCodes.Success;
        }
    }
}
