namespace Awsmfa.Tests.Integration;

[TestFixture]
[Category("Integration")]
[NonParallelizable]
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

    [Test]
    public async Task Sigterm_is_passed_to_the_command_and_its_exit_code_is_awsmfas()
    {
        Tool.DetachFromTerminal = false;
        var ready = Path.Combine(Tool.Home, "ready");
        var start = Tool.StartInfo(["exec", "--endpoint-url", Moto.Url, "-t", "123456", "--",
            "sh", "-c", $"trap 'echo got-term; exit 3' TERM; touch '{ready}'; while true; do sleep 0.1; done"]);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(ready))
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the command did not start");
            await Task.Delay(50);
        }

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(timeout.Token);

        Assert.That(process.ExitCode, Is.EqualTo(3), "the command's exit code, not 143");
        Assert.That(await stdout, Does.Contain("got-term"));
    }

    [Test]
    public async Task A_missing_command_is_exit_127()
    {
        var result = await Tool.RunAsync(null, "exec", "--endpoint-url", Moto.Url, "-t", "123456", "--", "no-such-command-awsmfa");

        Assert.That(result.ExitCode, Is.EqualTo(127), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no-such-command-awsmfa: command not found"));
    }
}
