using System.Diagnostics;
using Awsmfa.Aws;
using Awsmfa.Cli.Session;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

/// <summary>
/// The shells that consume <c>session get</c> evaluate its output: every hostile value must come
/// back as the same text, and nothing in it may run. Checked in the real shells (.ci/run installs them).
/// </summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: output is evaluated in bash, dash, zsh and fish")]
public sealed class ShellRoundTripTests
{
    private const string End = "--END--";

    private static readonly string[] HostileValues =
    [
        "a'b", "a''b", "$(touch pwned-1)", "`touch pwned-2`", "back\\slash\\", "\"double\"", "!history", "%PATH%", "$HOME",
        "\u2018left\u2019right\u201Alow\u201Breversed", "'; touch pwned-3; '", "\u2019; New-Item pwned-4; #", "{a,b}", "*", "~root", "tab\there", "ünïcødé",
    ];

    private static IEnumerable<TestCaseData> Shells()
    {
        yield return new TestCaseData("bash", "env", "printf '%s\\n--END--\\n' \"$AWS_SESSION_TOKEN\"", new[] { "--norc", "--noprofile" });
        yield return new TestCaseData("dash", "env", "printf '%s\\n--END--\\n' \"$AWS_SESSION_TOKEN\"", Array.Empty<string>());
        yield return new TestCaseData("zsh", "env", "printf '%s\\n--END--\\n' \"$AWS_SESSION_TOKEN\"", new[] { "-f" });
        yield return new TestCaseData("fish", "fish", "printf '%s\\n--END--\\n' \"$AWS_SESSION_TOKEN\"", new[] { "--no-config" });
        yield return new TestCaseData("pwsh", "powershell", "[Console]::Out.Write($Env:AWS_SESSION_TOKEN + \"`n--END--`n\")", new[] { "-NoProfile", "-NonInteractive", "-File" });
    }

    [TestCaseSource(nameof(Shells))]
    public async Task Every_hostile_value_round_trips_and_nothing_runs(string shell, string formatName, string printToken, string[] arguments)
    {
        var program = Processes.FindOnPath(shell);
        if (program is null)
        {
            Assert.Ignore($"{shell} is not installed (.ci/run installs it)");
        }

        using var work = new TempDirectory();
        var script = new StringWriter();
        foreach (var value in HostileValues)
        {
            SessionOutput.Write(SessionOutput.Formats.Single(f => f.Name == formatName).Format, new SessionCredentials("ASIAEXAMPLE000000001", "Secret0000000000000000", value, DateTimeOffset.UnixEpoch.AddYears(60)), null, script);
            script.Write(printToken + "\n");
        }

        var (stdout, stderr) = await RunScriptAsync(shell, program!, arguments, script.ToString(), work.Path);

        var values = stdout.Split("\n" + End + "\n").SkipLast(1).ToArray();
        Assert.That(Directory.GetFiles(work.Path, "pwned*"), Is.Empty, "a value ran as code");
        Assert.That(values, Is.EqualTo(HostileValues), stderr);
    }

    private static IEnumerable<TestCaseData> RegionShells()
    {
        const string Posix = "printf '%s %s\\n' \"$AWS_REGION\" \"$AWS_DEFAULT_REGION\"";
        yield return new TestCaseData("bash", "env", Posix, new[] { "--norc", "--noprofile" });
        yield return new TestCaseData("zsh", "env", Posix, new[] { "-f" });
        yield return new TestCaseData("fish", "fish", Posix, new[] { "--no-config" });
        yield return new TestCaseData("pwsh", "powershell", "[Console]::Out.Write($Env:AWS_REGION + ' ' + $Env:AWS_DEFAULT_REGION + \"`n\")", new[] { "-NoProfile", "-NonInteractive", "-File" });
    }

    [TestCaseSource(nameof(RegionShells))]
    public async Task The_resolved_region_reaches_the_shell_in_both_variables(string shell, string formatName, string printRegion, string[] arguments)
    {
        var program = Processes.FindOnPath(shell);
        if (program is null)
        {
            Assert.Ignore($"{shell} is not installed (.ci/run installs it)");
        }

        using var work = new TempDirectory();
        var script = new StringWriter();
        SessionOutput.Write(SessionOutput.Formats.Single(f => f.Name == formatName).Format, new SessionCredentials("ASIAEXAMPLE000000001", "Secret0000000000000000", "Token", DateTimeOffset.UnixEpoch.AddYears(60)), "eu-west-1", script);
        script.Write(printRegion + "\n");
        var (stdout, stderr) = await RunScriptAsync(shell, program!, arguments, script.ToString(), work.Path);

        Assert.That(stdout, Is.EqualTo("eu-west-1 eu-west-1\n"), stderr);
    }

    /// <summary>Runs <paramref name="script"/> in the shell, in a home of its own and without the caller's AWS region; its stdout (LF line ends) and stderr.</summary>
    private static async Task<(string Stdout, string Stderr)> RunScriptAsync(string shell, string program, string[] arguments, string script, string folder)
    {
        var file = Path.Combine(folder, shell == "pwsh" ? "script.ps1" : "script");
        await File.WriteAllTextAsync(file, script);
        var start = new ProcessStartInfo(program, [.. arguments, file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.Environment["HOME"] = folder;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("AWS_REGION");
        start.Environment.Remove("AWS_DEFAULT_REGION");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return ((await stdout).Replace("\r\n", "\n", StringComparison.Ordinal), await stderr);
    }
}
