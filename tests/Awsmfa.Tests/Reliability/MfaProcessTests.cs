using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// mfa_process through the built tool with no terminal (setsid, stdin from /dev/null), against an
/// endpoint that rejects a reused code as STS does: a script stands in for ykman.
/// </summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: mfa_process stand-ins are /bin/sh scripts")]
public sealed class MfaProcessTests : FakeAwsToolTest
{
    private void UseProcess(string script)
    {
        var path = Path.Combine(Tool.Home, "ykman.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("700", 8));
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nmfa_process = {path} oath accounts code --single \"AWS alice\"\n");
    }

    private Task<CliResult> GetAsync(params string[] extra) =>
        Tool.RunAsync(null, TimeSpan.FromSeconds(90), ["session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-o", "json", .. extra]);

    [Test]
    public async Task What_it_says_arrives_as_whole_lines_without_blank_ones_however_the_pipe_cuts_it()
    {
        // A line written in two parts, cmd-style \r\n line ends, and a blank line.
        UseProcess("printf 'Touch your ' >&2; sleep 0.3; printf 'YubiKey\\r\\n\\r\\n' >&2; printf 'PIN accepted' >&2; printf 246810");

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var said = result.Stderr.Split('\n').Where(l => l.StartsWith("awsmfa: mfa_process:", StringComparison.Ordinal)).ToList();
        Assert.That(said, Is.EqualTo(new[] { "awsmfa: mfa_process: Touch your YubiKey", "awsmfa: mfa_process: PIN accepted" }), result.Stderr);
    }

    [Test]
    public async Task Quiet_silences_awsmfa_never_what_the_helper_asks_the_person_to_do()
    {
        UseProcess("echo 'Touch your YubiKey' >&2; printf 246810");

        var result = await GetAsync("-q");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: mfa_process: Touch your YubiKey\n"), "the prompt stays; awsmfa's own status line goes");
    }

    [TestCase("exit 4", "awsmfa: mfa_process exited with 4; no AWS call was made")]
    [TestCase("echo 'Touch your YubiKey' >&2; echo 'Error: no YubiKey detected' >&2; exit 3", "awsmfa: mfa_process exited with 3: Error: no YubiKey detected; no AWS call was made")]
    [TestCase("printf 'not-a-code'", "awsmfa: mfa_process printed something that is not an MFA code")]
    [TestCase("printf 98765", "awsmfa: mfa_process printed something that is not an MFA code")]
    [TestCase("printf hunter2-my-password", "awsmfa: mfa_process printed something that is not an MFA code")]
    [TestCase("true", "awsmfa: mfa_process printed something that is not an MFA code")]
    public async Task A_broken_script_is_exit_2_naming_it_and_no_sts_call(string script, string message)
    {
        UseProcess(script);

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(result.Stderr, Does.Not.Contain("98765").And.Not.Contain("hunter2"), "what it printed may be a secret: never echoed");
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero);
    }

    [Test]
    public async Task A_child_left_in_the_background_holding_the_pipes_does_not_hold_awsmfa()
    {
        Tool.Environment["AWSMFA_MFA_PROCESS_TIMEOUT"] = "3";
        UseProcess("(sleep 20 >/dev/null 2>&1 &) ; (sleep 20 &) ; echo 234567");
        var clock = Stopwatch.StartNew();

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "not the 20 s the background child lives");
    }

    [Test]
    public async Task A_hanging_script_is_stopped_with_its_children()
    {
        var late = Path.Combine(Tool.Home, "late");
        Tool.Environment["AWSMFA_MFA_PROCESS_TIMEOUT"] = "1";
        UseProcess($"(sleep 3; touch '{late}') & sleep 30");
        var clock = Stopwatch.StartNew();

        var result = await GetAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("did not finish within 1s"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        Assert.That(File.Exists(late), Is.False, "its child was stopped too");
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero);
    }

    [Test]
    public async Task On_a_terminal_what_it_says_reaches_the_person_as_it_comes()
    {
        using var host = new TestHost().WithBaseProfile();
        var path = Path.Combine(host.Home, "ykman.sh");
        File.WriteAllText(path, "#!/bin/sh\necho 'Touch your YubiKey...' >&2; printf 111111\n");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("700", 8));
        host.WriteConfig($"[profile base]\nmfa_process = {path}\n");
        host.Terminal.IsAvailable = true;
        host.Aws.RespondWithNewSessions();

        var result = await host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(string.Concat(host.Terminal.Shown), Does.Contain("Touch your YubiKey...\n"));
        Assert.That(host.Aws.StsRequests.Single().TokenCode, Is.EqualTo("111111"));
    }
}
