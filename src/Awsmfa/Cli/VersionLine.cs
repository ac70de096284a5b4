using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Awsmfa.Cli;

/// <summary>
/// What <c>awsmfa --version</c> prints: <c>awsmfa 1.2.3 (commit 0123456789ab)</c>. The version comes
/// from the git tag the build was made at (MinVer), the commit from the SDK's source control
/// information; a build from a folder without git history says so.
/// </summary>
internal static class VersionLine
{
    public static string Text { get; } = Build(typeof(VersionLine).Assembly);

    public static string Build(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational?.Split('+')[0] is { Length: > 0 } v ? v : assembly.GetName().Version?.ToString(3) ?? "unknown";
        var commit = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Commit")?.Value;
        return commit is { Length: >= 12 }
            ? $"awsmfa {version} (commit {commit[..12]})"
            : $"awsmfa {version} (commit unknown)";
    }

    public static void Attach(RootCommand root) =>
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Text);
            return ExitCodes.Success;
        }
    }
}
