using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>MFA codes as users meet them, through the built tool: a rejected code, at the prompt and in parallel runs, and why a code is asked.</summary>
[TestFixture]
[Category("Process")]
[Platform("Linux", Reason = "util-linux script(1) gives the tool a terminal of its own")]
public sealed class CodeToolTests : FakeAwsToolTest
{
    private const string Wrong = "999999";

    private Task<(int ExitCode, string Terminal, string Stdout, string Stderr)> OnTerminalAsync(string typed, string arguments) =>
        Tool.RunOnTerminalAsync(typed, $"{arguments} --endpoint-url {Aws.Url}");

    [Test]
    public async Task Eight_parallel_runs_with_a_rejected_code_make_one_call_and_all_exit_3()
    {
        Aws.RejectCode(Wrong);

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Tool.RunAsync(null, ["session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", Wrong])));

        Assert.That(runs.Select(r => r.ExitCode), Is.All.EqualTo(3), string.Join("\n", runs.Select(r => r.ToString())));
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.EqualTo(1), "AWS counts failed MFA attempts: one, not eight");
    }

    [Test]
    public async Task Ctrl_d_at_the_prompt_puts_the_error_on_a_line_of_its_own()
    {
        // stderr on the terminal too, as in an interactive shell; Ctrl-D (EOT) answers the prompt.
        using var process = Process.Start(Tool.OnTerminal($"{ToolProcess.ShellCommand} session get --profile base --endpoint-url {Aws.Url} > /dev/null < /dev/null"))!;
        var shown = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(ToolProcess.Installed is null ? 3 : 1));
        await process.StandardInput.WriteAsync("\u0004");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var terminal = (await shown).Replace("\r", "", StringComparison.Ordinal);
        Assert.That(terminal, Does.Contain($"MFA code for {ToolProcess.Serial}: \nawsmfa: no valid MFA code was entered"), terminal);
    }

    [Test]
    public async Task A_code_sts_rejects_at_the_prompt_is_asked_for_again()
    {
        Aws.RejectCode(Wrong);

        var run = await OnTerminalAsync($"{Wrong}\n123456\n", "session get --profile base -o json");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Terminal, Does.Contain("STS rejected that code (wrong, expired or already used); wait for the next one."));
        Assert.That(run.Stdout, Does.Contain("\"AccessKeyId\""));
        Assert.That(Aws.Calls.Select(c => c.TokenCode), Is.EqualTo(new[] { Wrong, "123456" }));
    }

    [Test]
    public async Task Three_rejected_codes_at_the_prompt_end_with_exit_3()
    {
        foreach (var code in new[] { "111111", "222222", "333333" })
        {
            Aws.RejectCode(code);
        }

        var run = await OnTerminalAsync("111111\n222222\n333333\n444444\n", "session get --profile base");

        Assert.That(run.ExitCode, Is.EqualTo(3), run.ToString());
        Assert.That(Aws.Calls.Select(c => c.TokenCode), Is.EqualTo(new[] { "111111", "222222", "333333" }), "three tries, no fourth");
    }

    [Test]
    public async Task A_role_longer_than_a_chained_role_may_last_says_why_before_asking_although_the_session_is_cached()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), """

            [profile long]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = base
            duration_seconds = 10800
            """);
        var seeded = await Tool.RunAsync(null, ["session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "111111"]);
        Assert.That(seeded.ExitCode, Is.Zero, seeded.ToString());

        var run = await OnTerminalAsync("222222\n", "session get --profile long");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        const string Why = "awsmfa: role profile 'long' asks for 3h00m, longer than the 1h a chained role may last: a code is needed to assume it straight from the long-term key";
        Assert.That(run.Stderr, Does.Contain(Why));
        Assert.That(Aws.Calls.Last(), Is.EqualTo(new StsCall("AssumeRole", ToolProcess.AccessKeyId, ToolProcess.Serial, "222222", "arn:aws:iam::210987654321:role/admin", false)));
    }
}
