using System.Text.Json;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Ec2;

[TestFixture]
[Category("Unit")]
public sealed class Ec2TerminateTests : FleetHostTest
{
    private const string Web = "i-0123456789abcdef0";
    private const string Db = "i-0fedcba9876543210";
    private const string Old = "i-0aaaaaaaaaaaaaaaa";


    [SetUp]
    public void SetUp()
    {
        Fleet.Add(Web, "running", "web");
        Fleet.Add(Db, "stopped", "db");
        Fleet.Add(Old, "terminated", "old");
    }


    private Task<CliResult> TerminateAsync(params string[] extra) =>
        Host.RunAsync(["ec2", "terminate", "--profile", "base", "-t", "123456", .. extra]);

    [Test]
    public async Task Terminates_after_yes_and_prints_one_line_per_instance()
    {
        var result = await TerminateAsync(Web, Db, "--yes");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running -> shutting-down\n{Db} stopped -> shutting-down\n"));
        Assert.That(Fleet.TerminateRequests.Single().InstanceIds, Is.EqualTo(new[] { Web, Db }));
        Assert.That(result.Stderr, Does.Contain("terminating 2 instances:").And.Contain("web").And.Contain("db"));
    }

    [TestCase("i-123")]
    [TestCase("i-0123456789ABCDEF0")]
    [TestCase("vol-0123456789abcdef0")]
    [TestCase("i-0123456789abcdef0; reboot")]
    public async Task Malformed_ids_are_exit_2_before_any_network_call(string id)
    {
        var result = await TerminateAsync(Web, id, "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("not an instance id"));
        Assert.That(Host.Aws.StsCalls, Is.Zero);
        Assert.That(Fleet.TerminateRequests, Is.Empty);
    }

    [Test]
    public async Task Ids_can_come_from_stdin()
    {
        Host.Stdin = $"{Web}\n{Db}\n\n";

        var result = await Host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", "-", "--yes");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Fleet.TerminateRequests.Single().InstanceIds, Is.EqualTo(new[] { Web, Db }));
    }

    [Test]
    public async Task Stdin_cannot_carry_both_ids_and_the_code()
    {
        Host.Stdin = $"{Web}\n";

        var result = await Host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "-", "-", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(Fleet.TerminateRequests, Is.Empty);
    }

    [Test]
    public async Task Asks_on_the_terminal_showing_what_will_go()
    {
        Host.Terminal.Answer("y");

        var result = await TerminateAsync(Web, Db);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Host.Terminal.Shown, Does.Contain("Terminate 2 instance(s)? [y/N] "));
        Assert.That(string.Join("\n", Host.Terminal.Shown), Does.Contain(Web).And.Contain("web").And.Contain("running").And.Contain("t3.micro"));
        Assert.That(Fleet.StateOf(Web), Is.EqualTo("shutting-down"));
    }

    [TestCase("n")]
    [TestCase("")]
    [TestCase("yep")]
    [TestCase(null)]
    public async Task Anything_but_yes_terminates_nothing(string? answer)
    {
        Host.Terminal.Answer(answer);

        var result = await TerminateAsync(Web);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("not confirmed; nothing was terminated"));
        Assert.That(Fleet.TerminateRequests, Is.Empty);
        Assert.That(Fleet.StateOf(Web), Is.EqualTo("running"));
    }

    [Test]
    public async Task An_unknown_id_terminates_none_and_names_it()
    {
        var result = await TerminateAsync(Web, "i-0bbbbbbbbbbbbbbbb", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("no such instance in us-east-1: i-0bbbbbbbbbbbbbbbb; nothing was terminated (another region: --region REGION, or --all-regions)"));
        Assert.That(Fleet.TerminateRequests, Is.Empty);
    }

    [Test]
    public async Task Dry_run_that_would_succeed_is_exit_0_and_terminates_nothing()
    {
        var result = await TerminateAsync(Web, "--dry-run");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("dry run: EC2 would terminate 1 instance"));
        Assert.That(Fleet.TerminateRequests.Single().DryRun, Is.True);
        Assert.That(Fleet.StateOf(Web), Is.EqualTo("running"));
    }

    [Test]
    public async Task Dry_run_that_is_unauthorized_is_exit_3_with_an_mfa_hint()
    {
        Fleet.Unauthorized = true;

        var result = await TerminateAsync(Web, "--dry-run");

        Assert.That(result.ExitCode, Is.EqualTo(3));
        Assert.That(result.Stderr, Does.Contain("UnauthorizedOperation").And.Contain("aws:MultiFactorAuthPresent"));
    }

    [Test]
    public async Task A_protected_instance_does_not_save_the_others_and_the_exit_is_4()
    {
        Fleet.Add("i-0cccccccccccccccc", "running", "guarded", protectedFromTermination: true);

        var result = await TerminateAsync(Web, "i-0cccccccccccccccc", Db, "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(4), result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running -> shutting-down\n{Db} stopped -> shutting-down\n"));
        Assert.That(result.Stderr, Does.Contain("i-0cccccccccccccccc was not terminated: termination protection is on (OperationNotPermitted)"));
        Assert.That(Fleet.StateOf("i-0cccccccccccccccc"), Is.EqualTo("running"));
    }

    [Test]
    public async Task Every_instance_failing_is_exit_1()
    {
        Fleet.Add("i-0cccccccccccccccc", "running", "guarded", protectedFromTermination: true);

        var result = await TerminateAsync("i-0cccccccccccccccc", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public async Task Already_terminated_instances_are_left_out_and_said_on_stderr()
    {
        var result = await TerminateAsync(Old, Web, "--yes");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running -> shutting-down\n"));
        Assert.That(result.Stderr, Does.Contain($"{Old} is already terminated"));
        Assert.That(Fleet.TerminateRequests.Single().InstanceIds, Is.EqualTo(new[] { Web }));
    }

    [Test]
    public async Task Json_reports_each_instance_with_its_error()
    {
        Fleet.Add("i-0cccccccccccccccc", "running", "guarded", protectedFromTermination: true);

        var result = await TerminateAsync(Web, "i-0cccccccccccccccc", "--yes", "-o", "json");

        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.That(rows.Select(r => r.GetProperty("InstanceId").GetString()), Is.EqualTo(new[] { Web, "i-0cccccccccccccccc" }));
        Assert.That(rows[0].GetProperty("CurrentState").GetString(), Is.EqualTo("shutting-down"));
        Assert.That(rows[1].GetProperty("Error").GetString(), Does.Contain("OperationNotPermitted"));
    }

    [Test]
    public async Task Wait_checks_at_once_then_polls_until_terminated_with_progress()
    {
        Fleet.ShutdownLooks = 3;
        var started = Host.Clock.GetUtcNow();

        var result = await Host.RunWithClockRunningAsync(TimeSpan.FromSeconds(1), ["ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--yes", "--wait"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Fleet.StateOf(Web), Is.EqualTo("terminated"));
        Assert.That(result.Stderr, Does.Contain("waiting: 0/1 terminated (0s)").And.Contain("waiting: 1/1 terminated"));
        // Looked at three times (at once, then two polls 5 s apart): about 10 s, not 15.
        Assert.That(Host.Clock.GetUtcNow() - started, Is.LessThan(TimeSpan.FromSeconds(14)));
    }

    [Test]
    public async Task Wait_never_waits_past_the_timeout()
    {
        Fleet.ShutdownLooks = int.MaxValue;
        var started = Host.Clock.GetUtcNow();

        var result = await Host.RunWithClockRunningAsync(TimeSpan.FromMilliseconds(250), ["ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--yes", "--wait", "--timeout", "2s"]);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain($"gave up waiting after 2s: not yet terminated: {Web}"));
        // The poll interval is 5 s; a 2 s timeout ends the wait at 2 s (plus one clock step).
        Assert.That(Host.Clock.GetUtcNow() - started, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(2.5)));
    }

    [Test]
    public async Task Uses_the_session_credentials()
    {
        await TerminateAsync(Web, "--yes");

        Assert.That(Host.Aws.Ec2Clients.Single().Credentials.SessionToken, Is.EqualTo("SessionTokenPart1"));
    }
}
