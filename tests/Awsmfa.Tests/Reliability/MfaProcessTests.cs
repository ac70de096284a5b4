using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// mfa_process through the built tool with no terminal (setsid, stdin from /dev/null), against an
/// endpoint that rejects a reused code as STS does: a script stands in for ykman.
/// </summary>
[TestFixture]
[Category("Process")]
[NonParallelizable]
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
    public async Task A_script_that_prints_the_same_code_twice_never_makes_sts_see_it_twice()
    {
        var counter = Path.Combine(Tool.Home, "count");
        UseProcess($"n=$(cat '{counter}' 2>/dev/null || echo 0); echo $((n+1)) > '{counter}'; if [ \"$n\" -lt 2 ]; then echo 'Touch your YubiKey' >&2; printf 246810; else printf 135791; fi");
        var clock = Stopwatch.StartNew();

        var first = await GetAsync();
        await Tool.RunAsync(null, "session", "clear");
        var second = await GetAsync();

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(second.Stderr, Does.Match(@"mfa_process printed a code that was already used; waiting \d+s for the next one"));
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.EqualTo(2), "two codes, each sent once");
        Assert.That(Aws.SessionsIssued, Is.EqualTo(2), "no call was rejected as a reused code");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(45)), "one 30-second step at most");
    }

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

    [TestCase("exit 4", "mfa_process exited with 4")]
    [TestCase("printf 'not-a-code'", "mfa_process printed something that is not an MFA code")]
    public async Task A_broken_script_is_exit_2_and_no_sts_call(string script, string message)
    {
        UseProcess(script);

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero);
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
}
