using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// A process the command of <c>exec --server</c> leaves behind still holds the endpoint's URL and
/// token: the port stays awsmfa's while it runs, however long.
/// </summary>
[TestFixture]
[Category("Process")]
[Platform("Linux", Reason = "leftover processes are found in /proc")]
public sealed class ServerLeftoverTests : FakeAwsToolTest
{
    [Test]
    public async Task The_port_is_kept_while_a_leftover_process_runs()
    {
        var clock = Stopwatch.StartNew();

        var result = await Tool.RunAsync(null, "exec", "--server", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "--", "sh", "-c", "sleep 1.5 > /dev/null 2>&1 &");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("1 process started by the command still runs: keeping the endpoint's port (answering 503) until it ends, 10m at most (AWSMFA_SERVER_HOLD); Ctrl-C stops waiting"));
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.4)).And.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task A_daemon_with_a_cleared_environment_keeps_the_port_past_five_seconds()
    {
        // Forked twice (its parent exits at once) with an empty environment: neither its parent
        // nor /proc/PID/environ leads back to the command; adopted as awsmfa's child, it is found.
        var clock = Stopwatch.StartNew();

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(60), "exec", "--server", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "--", "sh", "-c", "(env -i /bin/sh -c 'sleep 7' > /dev/null 2>&1 &) ; exit 0");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("still run").And.Contain("keeping the endpoint's port (answering 503) until"));
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(6.5)), "held past the old 5-second grace, until the daemon ended");
    }

    [Test]
    public async Task A_daemon_that_outlives_the_hold_gets_the_port_let_go_with_a_warning()
    {
        Tool.Environment["AWSMFA_SERVER_HOLD"] = "2";
        var clock = Stopwatch.StartNew();

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(60), "exec", "--server", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "--", "sh", "-c", "(sleep 20 > /dev/null 2>&1 &) ; exit 0");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("still runs after 2s: letting the endpoint's port go (AWSMFA_SERVER_HOLD)"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "not the 20 s the daemon lives");
    }

    [Test]
    public async Task A_leftover_process_that_asks_after_the_command_ended_gets_503_and_no_credentials()
    {
        // The grandchild still holds the URL and token: the port it reaches is awsmfa's, answering 503.
        var answer = Path.Combine(Tool.Home, "answer");
        var probe = $$"""
            import os, urllib.request, urllib.error
            try:
                r = urllib.request.urlopen(urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}), timeout=5)
                open("{{answer}}", "w").write(f"{r.status} {'AccessKeyId' in r.read().decode()}")
            except urllib.error.HTTPError as e:
                open("{{answer}}", "w").write(f"{e.code} {'AccessKeyId' in e.read().decode()}")
            """;
        var script = Path.Combine(Tool.Home, "probe.py");
        File.WriteAllText(script, probe);

        var result = await Tool.RunAsync(null, "exec", "--server", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "--", "sh", "-c", $"(sleep 0.5; python3 '{script}') > /dev/null 2>&1 &");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.Exists(answer) ? File.ReadAllText(answer) : "no answer", Is.EqualTo("503 False"));
    }

    [Test]
    public async Task Without_leftovers_awsmfa_exits_with_the_command()
    {
        var result = await Tool.RunAsync(null, "exec", "--server", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "--", "sh", "-c", "exit 3");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("keeping the endpoint"));
    }
}
