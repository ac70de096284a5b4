using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

[TestFixture]
public sealed class CompletionTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        File.AppendAllText(_host.CredentialsFile, "\n[work]\naws_access_key_id = AKIAWORK\naws_secret_access_key = s\n");
        _host.WriteConfig("[default]\nregion = eu-west-1\n\n[profile staging]\nregion = eu-west-1\n");
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private async Task<string[]> SuggestAsync(string line)
    {
        var result = await _host.RunAsync($"[suggest:{line.Length}]", line);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Test]
    public async Task Completes_commands()
    {
        Assert.That(await SuggestAsync("awsmfa "), Is.SupersetOf(new[] { "session", "ec2", "exec", "completion" }));
        Assert.That(await SuggestAsync("awsmfa session "), Is.SupersetOf(new[] { "get", "list", "clear" }));
    }

    [Test]
    public async Task Completes_options()
    {
        Assert.That(await SuggestAsync("awsmfa session get --"), Is.SupersetOf(new[] { "--profile", "--token-code", "--output", "--refresh" }));
    }

    [Test]
    public async Task Completes_output_formats()
    {
        Assert.That(await SuggestAsync("awsmfa session get -o "), Is.EquivalentTo(new[] { "env", "dotenv", "fish", "powershell", "json", "credential-process" }));
        Assert.That(await SuggestAsync("awsmfa ec2 list --output "), Is.EquivalentTo(new[] { "table", "text", "json", "ids" }));
    }

    [Test]
    public async Task Completes_ec2_states()
    {
        Assert.That(await SuggestAsync("awsmfa ec2 list --state st"), Is.EquivalentTo(new[] { "stopped", "stopping" }));
    }

    [Test]
    public async Task Completes_profile_names_from_both_files()
    {
        Assert.That(await SuggestAsync("awsmfa session get --profile "), Is.EquivalentTo(new[] { "base", "default", "staging", "work" }));
        Assert.That(await SuggestAsync("awsmfa ec2 terminate --profile w"), Is.EquivalentTo(new[] { "work" }));
    }

    [TestCase("bash", "complete -o default -F _awsmfa_complete awsmfa")]
    [TestCase("zsh", "compdef _awsmfa awsmfa")]
    [TestCase("fish", "complete -c awsmfa -f -a '(__awsmfa_complete)'")]
    [TestCase("powershell", "Register-ArgumentCompleter -Native -CommandName awsmfa")]
    public async Task Prints_a_script_for_each_shell(string shell, string registration)
    {
        var result = await _host.RunAsync("completion", shell);

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stdout, Does.Contain(registration).And.Contain("[suggest:"));
    }

    [Test]
    public async Task Unknown_shell_is_exit_2()
    {
        var result = await _host.RunAsync("completion", "tcsh");

        Assert.That(result.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public async Task Bash_script_completes_in_a_real_bash()
    {
        var bash = MotoServer.FindOnPath("bash");
        if (bash is null)
        {
            Assert.Ignore("bash is not installed");
        }

        var script = (await _host.RunAsync("completion", "bash")).Stdout;
        using var bin = new TempDirectory();
        var wrapper = Path.Combine(bin.Path, "awsmfa");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{ToolProcess.ToolPath}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)Convert.ToInt32("700", 8));
        var line = "awsmfa session get --output cre";
        var test = script
            + $"COMP_LINE='{line}'; COMP_POINT={line.Length}; COMP_WORDS=(awsmfa session get --output cre); COMP_CWORD=4\n"
            + "_awsmfa_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        var start = new ProcessStartInfo(bash!, ["-c", test]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = bin.Path + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(output.Trim(), Is.EqualTo("credential-process"));
    }
}
