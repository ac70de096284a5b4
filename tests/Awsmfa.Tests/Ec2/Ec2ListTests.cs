using System.Text.Json;
using Amazon.EC2.Model;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Ec2;

[TestFixture]
[Category("Unit")]
public sealed class Ec2ListTests : FleetHostTest
{



    private Task<CliResult> ListAsync(params string[] extra) =>
        Host.RunAsync(["ec2", "list", "--profile", "base", "-t", "123456", .. extra]);

    [Test]
    public async Task Lists_every_page_and_summarizes_states_on_stderr()
    {
        for (var i = 0; i < 12; i++)
        {
            Fleet.Add($"i-{i:x17}", i % 4 == 0 ? "stopped" : "running", $"web-{i}");
        }

        var result = await ListAsync("-o", "ids", "--page-size", "5");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(12));
        Assert.That(Fleet.DescribeTokens, Is.EqualTo(new string?[] { null, "5", "10" }));
        Assert.That(Fleet.DescribeRequests.Select(r => r.MaxResults), Is.All.EqualTo(5));
        Assert.That(result.Stderr, Does.EndWith("awsmfa: 12 instances: 9 running, 3 stopped\n"));
    }

    [Test]
    public async Task Is_signed_with_the_session_credentials_never_the_long_term_keys()
    {
        await ListAsync();

        var (credentials, target) = Host.Aws.Ec2Clients.Single();
        Assert.That(credentials.AccessKeyId, Is.EqualTo("ASIASESSION000000001"));
        Assert.That(credentials.SessionToken, Is.EqualTo("SessionTokenPart1"));
        Assert.That(target.Region, Is.EqualTo("us-east-1"));
    }

    [Test]
    public async Task Uses_the_cached_session_and_asks_no_code()
    {
        await ListAsync();

        var second = await Host.RunAsync("ec2", "list", "--profile", "base");

        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(Host.Aws.StsCalls, Is.EqualTo(1));
        Assert.That(Host.Aws.Ec2Clients.Select(c => c.Credentials.SessionToken), Is.All.EqualTo("SessionTokenPart1"));
    }

    [Test]
    public async Task Filters_are_sent_to_the_server()
    {
        await ListAsync(
            "--state", "running", "--state", "stopped",
            "--filter", "Name=instance-type,Values=t3.micro,t3.small",
            "--tag", "env=ci", "--tag", "owner");

        var filters = Fleet.DescribeRequests.Single().Filters;
        Assert.That(filters.Select(f => $"{f.Name}={string.Join(",", f.Values)}"), Is.EqualTo(new[]
        {
            "instance-state-name=running,stopped",
            "instance-type=t3.micro,t3.small",
            "tag:env=ci",
            "tag-key=owner",
        }));
    }

    [Test]
    public async Task Instance_ids_are_sent_without_a_page_size()
    {
        await ListAsync("--instance-id", "i-0123456789abcdef0", "--instance-id", "i-01234567");

        var request = Fleet.DescribeRequests.Single();
        Assert.That(request.InstanceIds, Is.EqualTo(new[] { "i-0123456789abcdef0", "i-01234567" }));
        Assert.That(request.MaxResults, Is.Null);
    }

    [TestCase("--state", "sleeping")]
    [TestCase("--filter", "instance-type=t3.micro")]
    [TestCase("--filter", "Name=instance-type,Values=")]
    [TestCase("--tag", "=value")]
    [TestCase("--instance-id", "i-xyz")]
    [TestCase("--instance-id", "0123456789abcdef0")]
    [TestCase("--page-size", "2")]
    public async Task Malformed_filters_are_exit_2_before_any_network_call(string option, string value)
    {
        var result = await ListAsync(option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(Host.Aws.StsCalls, Is.Zero);
        Assert.That(Fleet.DescribeRequests, Is.Empty);
    }

    [Test]
    public async Task Table_has_columns_sized_to_their_content()
    {
        Fleet.Add("i-0123456789abcdef0", "running", "web");
        Fleet.Add("i-01234567", "stopped", "database-primary");

        var result = await ListAsync();

        Assert.That(result.Stdout, Is.EqualTo(
            "INSTANCE ID          NAME              STATE    TYPE      ZONE        PRIVATE IP  PUBLIC IP  LAUNCHED\n" +
            "i-0123456789abcdef0  web               running  t3.micro  us-east-1a  10.0.0.1    54.0.0.1   2026-11-01T08:30:00Z\n" +
            "i-01234567           database-primary  stopped  t3.micro  us-east-1a  10.0.0.1    -          2026-11-01T08:30:00Z\n"));
    }

    [Test]
    public async Task Text_is_tab_separated_without_header_and_keeps_hostile_names_on_one_line()
    {
        Fleet.Add("i-0123456789abcdef0", "running", "evil\tname\nline");

        var result = await ListAsync("-o", "text");

        Assert.That(result.Stdout, Is.EqualTo(
            "i-0123456789abcdef0\tevil name line\trunning\tt3.micro\tus-east-1a\t10.0.0.1\t54.0.0.1\t2026-11-01T08:30:00Z\n"));
    }

    [Test]
    public async Task Json_is_an_array_with_every_field_and_all_tags()
    {
        Fleet.Add("i-0123456789abcdef0", "running", "web");
        Fleet.Add("i-01234567", "stopped");

        var result = await ListAsync("-o", "json");

        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[0].EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
        {
            "InstanceId", "Name", "State", "InstanceType", "AvailabilityZone", "PrivateIpAddress", "PublicIpAddress", "LaunchTime", "Tags",
        }));
        Assert.That(rows[0].GetProperty("Tags").GetProperty("env").GetString(), Is.EqualTo("ci"));
        Assert.That(rows[1].GetProperty("Name").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(rows[1].GetProperty("Tags").EnumerateObject(), Is.Empty);
    }

    [TestCase("table", "")]
    [TestCase("text", "")]
    [TestCase("ids", "")]
    [TestCase("json", "[]\n")]
    public async Task No_instances_is_not_an_error(string format, string stdout)
    {
        var result = await ListAsync("-o", format);

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stdout, Is.EqualTo(stdout));
        Assert.That(result.Stderr, Does.EndWith("awsmfa: 0 instances\n"));
    }

    [Test]
    public async Task Quiet_drops_the_summary()
    {
        Fleet.Add("i-0123456789abcdef0");

        var result = await ListAsync("-q");

        Assert.That(result.Stderr, Is.Empty);
    }

    [Test]
    public async Task Null_collections_from_the_sdk_are_no_instances()
    {
        Host.Aws.Ec2.Setup(e => e.DescribeInstancesAsync(It.IsAny<DescribeInstancesRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DescribeInstancesResponse { Reservations = [new Reservation { Instances = null }, new Reservation()] });

        var result = await ListAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("0 instances"));
    }

    [Test]
    public async Task Unauthorized_is_exit_3_with_a_hint_about_mfa_policies()
    {
        Host.Aws.Ec2.Setup(e => e.DescribeInstancesAsync(It.IsAny<DescribeInstancesRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(FakeFleet.Error("UnauthorizedOperation", "You are not authorized to perform this operation.", System.Net.HttpStatusCode.Forbidden));

        var result = await ListAsync();

        Assert.That(result.ExitCode, Is.EqualTo(3));
        Assert.That(result.Stderr, Does.Contain("aws:MultiFactorAuthPresent"));
    }

    [Test]
    public async Task No_region_anywhere_is_exit_2()
    {
        Host.WriteConfig("");

        var result = await ListAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("no region"));
    }

    [Test]
    public void Summary_orders_states_by_lifecycle()
    {
        var counts = new Dictionary<string, int> { ["stopped"] = 2, ["running"] = 3 };

        Assert.That(new Awsmfa.Ec2.ListOutcome(counts, 1, 1, []).Summary(multi: false), Is.EqualTo("5 instances: 3 running, 2 stopped"));
        Assert.That(new Awsmfa.Ec2.ListOutcome(new Dictionary<string, int> { ["running"] = 1 }, 1, 1, []).Summary(multi: false), Is.EqualTo("1 instance: 1 running"));
    }

    [Test]
    public async Task Json_listing_that_fails_on_a_later_page_leaves_stdout_empty()
    {
        for (var i = 0; i < 12; i++)
        {
            Fleet.Add($"i-{i:x17}", "running", $"web-{i}");
        }

        Fleet.FailAfterDescribes = 1;

        var result = await Host.RunAsync("ec2", "list", "--profile", "base", "-t", "123456", "-o", "json", "--page-size", "5");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Is.Empty);
    }
}
