using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Ec2;

/// <summary>stop, start and reboot on the instance-action engine, and EC2 across regions (issue #13).</summary>
[TestFixture]
[Category("Unit")]
public sealed class InstanceActionTests : FleetHostTest
{
    private const string Web = "i-0123456789abcdef0";
    private const string Db = "i-0fedcba9876543210";
    private const string Dublin = "i-0dddddddddddddddd";

    private FakeFleet _ireland = null!;

    [SetUp]
    public void SetUp()
    {
        Fleet.Add(Web, "running", "web");
        Fleet.Add(Db, "stopped", "db");
        var ireland = new Mock<IAmazonEC2>();
        Host.Aws.Ec2ByRegion["eu-west-1"] = ireland;
        _ireland = new FakeFleet(ireland);
        _ireland.Add(Dublin, "running", "dublin");
    }


    private Task<CliResult> RunAsync(params string[] args) => Host.RunAsync(["ec2", .. args, "--profile", "base", "-t", "123456"]);

    [Test]
    public async Task Stop_stops_and_prints_one_line_per_instance()
    {
        var result = await RunAsync("stop", Web, "--yes");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running -> stopping\n"));
        Assert.That(result.Stderr, Does.Contain("stopping 1 instance:"));
        Assert.That(Fleet.ActionRequests.OfType<StopInstancesRequest>().Single().Force, Is.Not.True);
    }

    [Test]
    public async Task Stop_passes_force_and_hibernate()
    {
        await RunAsync("stop", Web, "--yes", "--force", "--hibernate");

        var request = Fleet.ActionRequests.OfType<StopInstancesRequest>().Single();
        Assert.That((request.Force, request.Hibernate), Is.EqualTo((true, true)));
    }

    [Test]
    public async Task Stop_leaves_out_stopped_instances_and_waits_for_the_others()
    {
        Fleet.ShutdownLooks = 2;

        var result = await Host.RunWithClockRunningAsync(TimeSpan.FromSeconds(1), "ec2", "stop", Web, Db, "--yes", "--wait", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain($"{Db} is already stopped").And.Contain("waiting: 1/1 stopped"));
        Assert.That(Fleet.StateOf(Web), Is.EqualTo("stopped"));
        Assert.That(Fleet.ActionRequests.OfType<StopInstancesRequest>().Single().InstanceIds, Is.EqualTo(new[] { Web }));
    }

    [Test]
    public async Task Start_asks_first_because_it_costs_money()
    {
        Host.Terminal.Answer("y");

        var result = await RunAsync("start", Db);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Host.Terminal.Shown, Does.Contain("Start 1 instance(s)? [y/N] "));
        Assert.That(result.Stdout, Is.EqualTo($"{Db} stopped -> pending\n"));
    }

    [TestCase("start")]
    [TestCase("stop")]
    [TestCase("reboot")]
    [TestCase("terminate")]
    public async Task Without_a_terminal_and_without_yes_nothing_happens(string verb)
    {
        var result = await RunAsync(verb, Web);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"refusing to {verb} without confirmation"));
        Assert.That(Fleet.ActionRequests, Is.Empty);
        Assert.That(Host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task Declining_the_prompt_changes_nothing()
    {
        Host.Terminal.Answer("n");

        var result = await RunAsync("reboot", Web);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("not confirmed; nothing was rebooted"));
        Assert.That(Fleet.ActionRequests, Is.Empty);
    }

    [Test]
    public async Task Reboot_requests_a_reboot_and_has_no_wait()
    {
        var result = await RunAsync("reboot", Web, "--yes");
        var wait = await RunAsync("reboot", Web, "--yes", "--wait");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running: reboot requested\n"));
        Assert.That(wait.ExitCode, Is.EqualTo(2), "reboot has no state to wait for");
    }

    [TestCase("stop")]
    [TestCase("start")]
    [TestCase("reboot")]
    public async Task Dry_run_asks_ec2_and_changes_nothing(string verb)
    {
        var id = verb == "start" ? Db : Web;
        var before = Fleet.StateOf(id);

        var result = await RunAsync(verb, id, "--dry-run");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain($"dry run: EC2 would {verb} 1 instance"));
        Assert.That(Fleet.StateOf(id), Is.EqualTo(before));
    }

    [Test]
    public async Task A_refused_instance_does_not_save_the_others_and_the_exit_is_4()
    {
        var gone = Fleet.Add("i-0eeeeeeeeeeeeeeee", "terminated", "gone");

        var result = await RunAsync("start", Db, gone.Id, "--yes", "-o", "json");

        Assert.That(result.ExitCode, Is.EqualTo(4), result.ToString());
        var rows = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToList();
        Assert.That(rows.Single(r => r.GetProperty("InstanceId").GetString() == Db).GetProperty("CurrentState").GetString(), Is.EqualTo("pending"));
        Assert.That(rows.Single(r => r.GetProperty("InstanceId").GetString() == gone.Id).GetProperty("Error").GetString(), Does.Contain("IncorrectInstanceState"));
    }

    [Test]
    public async Task List_of_several_regions_has_a_region_column_in_region_order_and_a_summary()
    {
        var result = await RunAsync("list", "--region", "us-east-1,eu-west-1");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var lines = result.Stdout.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.StartWith("REGION     INSTANCE ID"));
        Assert.That(lines.Skip(1).Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "us-east-1", "us-east-1", "eu-west-1" }), "the order asked for, then as EC2 answers");
        Assert.That(result.Stderr, Does.Contain("3 instances in 2 regions (2 asked): 2 running, 1 stopped"));
    }

    [Test]
    public async Task All_regions_asks_describe_regions_and_lists_each()
    {
        var json = await RunAsync("list", "--all-regions", "-o", "json");
        var text = await RunAsync("list", "--all-regions", "-o", "text");
        var ids = await RunAsync("list", "--all-regions", "-o", "ids");

        Assert.That(json.ExitCode, Is.Zero, json.ToString());
        var rows = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.That(rows.Select(r => r.GetProperty("Region").GetString()), Is.EqualTo(new[] { "eu-west-1", "us-east-1", "us-east-1" }), "regions in name order");
        Assert.That(text.Stdout.Split('\n')[0], Does.StartWith("eu-west-1\t" + Dublin));
        Assert.That(ids.Stdout, Is.EqualTo($"{Dublin}\n{Web}\n{Db}\n"));
    }

    [Test]
    public async Task One_region_keeps_the_one_region_output()
    {
        var result = await RunAsync("list", "-o", "json");

        Assert.That(JsonDocument.Parse(result.Stdout).RootElement[0].TryGetProperty("Region", out _), Is.False);
    }

    [Test]
    public async Task A_region_that_fails_is_a_warning_the_others_print_and_the_exit_is_1()
    {
        Host.Aws.Ec2ByRegion["eu-west-1"].Setup(e => e.DescribeInstancesAsync(It.IsAny<DescribeInstancesRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(FakeFleet.Error("AuthFailure", "AWS was not able to validate the provided access credentials", System.Net.HttpStatusCode.Unauthorized));

        var result = await RunAsync("list", "--region", "us-east-1,eu-west-1", "-o", "ids");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web}\n{Db}\n"));
        Assert.That(result.Stderr, Does.Contain("warning: eu-west-1: EC2 rejected the session credentials (AuthFailure)"));
        Assert.That(result.Stderr, Does.Contain("2 instances in 1 region"));
    }

    [Test]
    public async Task An_action_over_several_regions_sends_each_id_to_its_region()
    {
        var result = await RunAsync("stop", Web, Dublin, "--region", "us-east-1,eu-west-1", "--yes");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Fleet.ActionRequests.OfType<StopInstancesRequest>().Single().InstanceIds, Is.EqualTo(new[] { Web }));
        Assert.That(_ireland.ActionRequests.OfType<StopInstancesRequest>().Single().InstanceIds, Is.EqualTo(new[] { Dublin }));
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running -> stopping (us-east-1)\n{Dublin} running -> stopping (eu-west-1)\n"));
    }

    [Test]
    public async Task An_id_in_no_region_is_exit_1_and_nothing_is_done()
    {
        var result = await RunAsync("stop", Web, "i-0aaaaaaaaaaaaaaaa", "--region", "us-east-1,eu-west-1", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no such instance in us-east-1, eu-west-1: i-0aaaaaaaaaaaaaaaa; nothing was stopped"));
        Assert.That(Fleet.ActionRequests, Is.Empty);
    }

    [Test]
    public async Task An_id_in_two_regions_is_exit_2_naming_them_and_nothing_is_done()
    {
        _ireland.Add(Web, "running", "twin");

        var result = await RunAsync("terminate", Web, "--region", "us-east-1,eu-west-1", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"{Web} is in more than one region (us-east-1, eu-west-1)"));
        Assert.That(Fleet.TerminateRequests, Is.Empty);
    }

    [Test]
    public async Task A_bad_region_in_the_list_is_refused_before_any_call()
    {
        var result = await RunAsync("list", "--region", "us-east-1,not a region");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(Host.Aws.StsCalls, Is.Zero);
    }
}
