using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: completion scripts are evaluated in bash, zsh and fish")]
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
    public async Task Completes_only_profile_names_awsmfa_can_serve()
    {
        _host.WriteConfig(string.Join("\n",
            "[default]", "region = eu-west-1",
            "[profile staging]", "region = eu-west-1",
            "[profile viaprocess]", "credential_process = awsmfa session get -o credential-process",
            "[profile $(touch pwned)]", "region = eu-west-1"));
        File.AppendAllText(_host.CredentialsFile, "\n[sess]\naws_access_key_id = ASIASESSION00000001\naws_secret_access_key = s\naws_session_token = t\n");

        // A credential_process profile is a root awsmfa serves (its keys come from the process);
        // settings-only and session-credential profiles are not.
        Assert.That(await SuggestAsync("awsmfa session get --profile "), Is.EquivalentTo(new[] { "base", "viaprocess", "work" }));
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
        var bash = Processes.FindOnPath("bash");
        if (bash is null)
        {
            Assert.Ignore("bash is not installed");
        }

        var script = (await _host.RunAsync("completion", "bash")).Stdout;
        using var bin = new TempDirectory();
        var wrapper = Path.Combine(bin.Path, "awsmfa");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec {ToolProcess.ShellCommand} \"$@\"\n");
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

    private const string Hostile = "$(touch pwned-dollar)\n`touch pwned-backtick`\n*\n{a,b}\n~root\nbase\nbasement";

    /// <summary>
    /// Runs a shell's completion script with an awsmfa that answers hostile candidates (as names
    /// from a planted config could be): they must come back as text, and nothing may run.
    /// </summary>
    private async Task<(string Output, string[] Created)> CompleteWithHostileCandidatesAsync(string shell, string line, string driver)
    {
        var program = Processes.FindOnPath(shell);
        if (program is null)
        {
            Assert.Ignore($"{shell} is not installed (.ci/run installs it)");
        }

        var script = (await _host.RunAsync("completion", shell == "pwsh" ? "powershell" : shell)).Stdout;
        using var work = new TempDirectory();
        var fake = Path.Combine(work.Path, "awsmfa");
        File.WriteAllText(fake, $"#!/bin/sh\nprintf '%s\\n' '{Hostile.Replace("\n", "' '", StringComparison.Ordinal)}'\n");
        File.SetUnixFileMode(fake, (UnixFileMode)Convert.ToInt32("700", 8));
        var scriptFile = Path.Combine(work.Path, shell == "pwsh" ? "completion.ps1" : "completion");
        File.WriteAllText(scriptFile, script + "\n" + driver.Replace("@LINE@", line, StringComparison.Ordinal));
        string[] arguments = shell switch
        {
            "fish" => ["--no-config", scriptFile],
            "zsh" => ["-f", scriptFile],
            "pwsh" => ["-NoProfile", "-NonInteractive", "-File", scriptFile],
            _ => [scriptFile],
        };
        var start = new ProcessStartInfo(program!, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work.Path,
        };
        start.Environment["PATH"] = work.Path + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = work.Path;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var created = Directory.GetFiles(work.Path, "pwned*").Select(f => Path.GetFileName(f)).ToArray();
        return (output, created);
    }

    [Test]
    public async Task Bash_completion_treats_candidates_as_text()
    {
        var (output, created) = await CompleteWithHostileCandidatesAsync(
            "bash",
            "awsmfa session get --profile ",
            "COMP_LINE='@LINE@'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(awsmfa session get --profile ''); COMP_CWORD=4\n_awsmfa_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");

        Assert.That(created, Is.Empty, "a candidate ran as a command");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(Hostile.Split('\n')));
    }

    [Test]
    public async Task Bash_completion_matches_by_prefix_only()
    {
        var (output, created) = await CompleteWithHostileCandidatesAsync(
            "bash",
            "awsmfa session get --profile bas",
            "COMP_LINE='@LINE@'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(awsmfa session get --profile bas); COMP_CWORD=4\n_awsmfa_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");

        Assert.That(created, Is.Empty);
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "base", "basement" }));
    }

    [Test]
    public async Task Fish_completion_treats_candidates_as_text()
    {
        var (output, created) = await CompleteWithHostileCandidatesAsync(
            "fish", "awsmfa session get --profile ", "complete -C '@LINE@'\n");

        Assert.That(created, Is.Empty, "a candidate ran as a command");
        Assert.That(output, Does.Contain("$(touch pwned-dollar)").And.Contain("`touch pwned-backtick`"));
    }

    [Test]
    public async Task Zsh_completion_treats_candidates_as_text()
    {
        // compadd needs the completion system; the driver stubs it to print what would be offered.
        var (output, created) = await CompleteWithHostileCandidatesAsync(
            "zsh",
            "awsmfa session get --profile ",
            "compadd() { shift; print -rl -- \"$@\"; }\nBUFFER='@LINE@'; CURSOR=${#BUFFER}\n_awsmfa\n");

        Assert.That(created, Is.Empty, "a candidate ran as a command");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(Hostile.Split('\n')));
    }

    [Test]
    public async Task PowerShell_completion_treats_candidates_as_text()
    {
        var (output, created) = await CompleteWithHostileCandidatesAsync(
            "pwsh",
            "awsmfa session get --profile ",
            "$line = '@LINE@'\n(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText }\n");

        Assert.That(created, Is.Empty, "a candidate ran as a command");
        Assert.That(output.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.SupersetOf(new[] { "base", "basement" }));
        Assert.That(output, Does.Contain("$(touch pwned-dollar)"));
    }
}
