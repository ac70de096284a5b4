namespace Awsmfa.Tests.Integration;

[TestFixture]
[Category("Integration")]
[Platform(Exclude = "Win", Reason = "POSIX: POSIX signals and sh commands")]
public sealed class ExecIntegrationTests : MotoToolTest
{
    [SetUp]
    public void UseTheBaseProfile() => Tool.Environment["AWS_PROFILE"] = "base";

    [Test]
    public async Task Runs_a_real_command_with_the_session_and_passes_its_exit_code()
    {
        var result = await Tool.RunAsync(null, "exec", "--endpoint-url", Moto.Url, "-t", "123456", "--",
            "sh", "-c", "echo \"key=$AWS_ACCESS_KEY_ID token=${AWS_SESSION_TOKEN:+set} region=$AWS_REGION profile=${AWS_PROFILE:-unset} marker=$AWSMFA_SESSION\"; exit 7");

        Assert.That(result.ExitCode, Is.EqualTo(7), result.ToString());
        Assert.That(result.Stdout, Does.Match("^key=[A-Z0-9]+ token=set region=us-east-1 profile=unset marker=base\n$"));
        Assert.That(result.Stdout, Does.Not.Contain(ToolProcess.AccessKeyId));
    }

    [TestCase("TERM", false)]
    [TestCase("INT", true)]
    [TestCase("HUP", true)]
    [TestCase("QUIT", true)]
    public async Task A_signal_not_from_a_terminal_is_passed_to_the_command_and_its_exit_code_is_awsmfas(string signal, bool detached)
    {
        // With a terminal, Ctrl-C reaches the command by itself; a SIGINT sent to awsmfa's pid
        // by another program (here, with no terminal at all) must be passed on, not swallowed.
        Tool.DetachFromTerminal = detached;
        var ready = Path.Combine(Tool.Home, "ready");
        var start = Tool.StartInfo(["exec", "--endpoint-url", Moto.Url, "-t", "123456", "--",
            "sh", "-c", $"trap 'echo got-{signal}; exit 3' {signal}; touch '{ready}'; while true; do sleep 0.1; done"]);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(ready))
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the command did not start");
            await Task.Delay(50);
        }

        using (var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);

        Assert.That(process.ExitCode, Is.EqualTo(3), "the command's exit code, not 130/143");
        Assert.That(await stdout, Does.Contain("got-" + signal));
    }

    [Test]
    public async Task Token_code_from_stdin_takes_one_line_and_leaves_the_rest_to_the_command()
    {
        var result = await Tool.RunAsync("123456\nrest of the input\nand more", "exec", "--endpoint-url", Moto.Url, "-t", "-", "--", "cat");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo("rest of the input\nand more"));
    }

    [Test]
    public async Task Stdin_from_a_file_gives_the_command_what_follows_the_code_and_stdout_to_a_file_keeps_what_follows()
    {
        // Regular files, where a stream with an offset of its own (pread/pwrite) would re-read the
        // code line or overwrite what the shell writes next.
        var input = Path.Combine(Tool.Home, "input");
        var output = Path.Combine(Tool.Home, "output");
        File.WriteAllText(input, "123456\nrest of the input\n");

        var result = await Tool.RunProgramAsync("sh", "-c",
            $"{{ {ToolProcess.ShellCommand} exec --endpoint-url {Moto.Url} -t - -- cat; echo after; }} < '{input}' > '{output}'");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.ReadAllText(output), Is.EqualTo("rest of the input\nafter\n"));
    }

    [Test]
    public async Task The_mfa_code_variable_does_not_reach_the_command()
    {
        Tool.Environment["AWSMFA_TOKEN_CODE"] = "123456";

        var result = await Tool.RunAsync(null, "exec", "--endpoint-url", Moto.Url, "--", "sh", "-c", "echo \"code=${AWSMFA_TOKEN_CODE:-unset}\"");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo("code=unset\n"));
    }

    [Test]
    public async Task A_missing_command_is_exit_127()
    {
        var result = await Tool.RunAsync(null, "exec", "--endpoint-url", Moto.Url, "-t", "123456", "--", "no-such-command-awsmfa");

        Assert.That(result.ExitCode, Is.EqualTo(127), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no-such-command-awsmfa: command not found"));
    }
}
