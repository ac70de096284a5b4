using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

[TestFixture]
[Category("Integration")]
public sealed class Ec2IntegrationTests : MotoToolTest
{
    private AmazonEC2Client _admin = null!;
    private string? _imageId;

    [SetUp]
    public void ConnectAnAdminClient()
    {
        _admin = new AmazonEC2Client(
            new BasicAWSCredentials("AKIAADMIN0000000000", "admin-secret"),
            new AmazonEC2Config { ServiceURL = Moto.Url, AuthenticationRegion = "us-east-1" });
    }

    [TearDown]
    public void DisconnectTheAdminClient() => _admin.Dispose();

    private async Task<List<string>> LaunchAsync(int count, string name, string region = "us-east-1")
    {
        if (region != "us-east-1")
        {
            using var regional = new AmazonEC2Client(
                new BasicAWSCredentials("AKIAADMIN0000000000", "admin-secret"),
                new AmazonEC2Config { ServiceURL = Moto.Url, AuthenticationRegion = region });
            var image = (await regional.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] })).Images[0].ImageId;
            var launched = await regional.RunInstancesAsync(new RunInstancesRequest { ImageId = image, MinCount = count, MaxCount = count, InstanceType = InstanceType.T3Micro });
            return launched.Reservation.Instances.Select(i => i.InstanceId).ToList();
        }

        _imageId ??= (await _admin.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] })).Images[0].ImageId;
        var response = await _admin.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = _imageId,
            MinCount = count,
            MaxCount = count,
            InstanceType = InstanceType.T3Micro,
            TagSpecifications =
            [
                new TagSpecification
                {
                    ResourceType = ResourceType.Instance,
                    Tags = [new Tag { Key = "Name", Value = name }, new Tag { Key = "env", Value = "ci" }],
                },
            ],
        });
        return response.Reservation.Instances.Select(i => i.InstanceId).ToList();
    }

    private Task<CliResult> RunAsync(string? stdin, params string[] args) =>
        Tool.RunAsync(stdin, [.. args, "--profile", "base", "--endpoint-url", Moto.Url, "--region", "us-east-1", "-t", "123456"]);

    private async Task<string> StateAsync(string id)
    {
        var response = await _admin.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [id] });
        return response.Reservations.Single().Instances.Single().State.Name.Value;
    }

    private static readonly string[] EndpointSources = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "endpoint_url", "--endpoint-url"];

    /// <summary>Points awsmfa at moto one way (an option, a variable or the profile) and returns the extra arguments.</summary>
    private string[] UseEndpoint(string source)
    {
        switch (source)
        {
            case "--endpoint-url":
                return ["--endpoint-url", Moto.Url];
            case "endpoint_url":
                File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), $"[profile base]\nregion = us-east-1\nendpoint_url = {Moto.Url}\n");
                return [];
            default:
                Tool.Environment[source] = Moto.Url;
                // STS must reach moto too when only EC2's endpoint is moved.
                Tool.Environment["AWS_ENDPOINT_URL_STS"] = Moto.Url;
                return [];
        }
    }

    [TestCaseSource(nameof(EndpointSources))]
    public async Task Region_option_holds_whichever_way_the_endpoint_is_set(string source)
    {
        var here = (await LaunchAsync(1, "dublin", "eu-west-1")).Single();
        var elsewhere = (await LaunchAsync(1, "virginia")).Single();
        var endpoint = UseEndpoint(source);

        var list = await Tool.RunAsync(null, ["ec2", "list", "-o", "ids", "--region", "eu-west-1", "--profile", "base", "-t", "123456", .. endpoint]);
        var dryRun = await Tool.RunAsync(null, ["ec2", "terminate", elsewhere, "--dry-run", "--region", "eu-west-1", "--profile", "base", .. endpoint]);

        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        Assert.That(list.Stdout.Trim(), Is.EqualTo(here), "only the instance of the region asked for");
        Assert.That(dryRun.ExitCode, Is.EqualTo(1), dryRun.ToString());
        Assert.That(dryRun.Stderr, Does.Contain($"no such instance in eu-west-1: {elsewhere}; nothing was terminated (another region: --region REGION, or --all-regions)"));
    }

    [Test]
    public async Task Lists_across_several_pages()
    {
        // moto pages by reservation (as EC2 may): 11 launches of 2 make 11 reservations.
        var launched = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            launched.AddRange(await LaunchAsync(2, "web"));
        }

        var result = await RunAsync(null, "ec2", "list", "--page-size", "5", "-o", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var ids = json.RootElement.EnumerateArray().Select(e => e.GetProperty("InstanceId").GetString()).ToList();
        Assert.That(ids, Is.EquivalentTo(launched));
        Assert.That(json.RootElement[0].GetProperty("Tags").GetProperty("env").GetString(), Is.EqualTo("ci"));
        Assert.That(Moto.CountCalls("DescribeInstances"), Is.EqualTo(3), "pages of 5, 5 and 1 reservations");
        Assert.That(result.Stderr, Does.Contain("22 instances: 22 running"));
        Assert.That(Moto.HeadersOf("DescribeInstances"), Has.All.ContainKey("X-Amz-Security-Token"), "signed with the session");
        Assert.That(Moto.HeadersOf("DescribeInstances").Select(h => h["Authorization"]), Has.None.Contain(ToolProcess.AccessKeyId));
    }

    [Test]
    public async Task Filters_by_tag_and_state_on_the_server()
    {
        await LaunchAsync(2, "web");
        var db = await LaunchAsync(1, "db");
        await _admin.StopInstancesAsync(new StopInstancesRequest { InstanceIds = db });

        var web = await RunAsync(null, "ec2", "list", "--tag", "Name=web", "-o", "ids");
        var stopped = await RunAsync(null, "ec2", "list", "--state", "stopped", "-o", "text");

        Assert.That(web.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));
        Assert.That(stopped.Stdout, Does.StartWith(db[0] + "\tdb\tstopped\t"));
    }

    [Test]
    public async Task Dry_run_asks_ec2_and_terminates_nothing()
    {
        var ids = await LaunchAsync(1, "web");

        var result = await RunAsync(null, "ec2", "terminate", ids[0], "--dry-run");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("dry run: EC2 would terminate 1 instance"));
        Assert.That(await StateAsync(ids[0]), Is.EqualTo("running"));
    }

    [Test]
    public async Task Terminates_for_real_piped_from_list_and_waits()
    {
        var ids = await LaunchAsync(2, "ci-runner");
        var listed = await RunAsync(null, "ec2", "list", "-o", "ids", "--tag", "Name=ci-runner");

        var result = await RunAsync(listed.Stdout, "ec2", "terminate", "-", "--yes", "--wait", "--timeout", "60s");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(ids.Select(id => $"{id} running -> shutting-down")));
        foreach (var id in ids)
        {
            Assert.That(await StateAsync(id), Is.EqualTo("terminated"));
        }
    }

    [Test]
    public async Task Termination_protection_spares_one_and_terminates_the_rest_with_exit_4()
    {
        var ids = await LaunchAsync(3, "web");
        await _admin.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = ids[1], DisableApiTermination = true });

        var result = await RunAsync(null, ["ec2", "terminate", .. ids, "--yes"]);

        Assert.That(result.ExitCode, Is.EqualTo(4), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"{ids[1]} was not terminated: termination protection is on"));
        Assert.That(await StateAsync(ids[1]), Is.EqualTo("running"));
        Assert.That(await StateAsync(ids[0]), Is.Not.EqualTo("running"));
        Assert.That(await StateAsync(ids[2]), Is.Not.EqualTo("running"));
    }

    [Test]
    public async Task Unknown_instance_terminates_none()
    {
        var ids = await LaunchAsync(1, "web");

        var result = await RunAsync(null, "ec2", "terminate", ids[0], "i-0123456789abcdef0", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no such instance in us-east-1: i-0123456789abcdef0; nothing was terminated"));
        Assert.That(await StateAsync(ids[0]), Is.EqualTo("running"));
    }

    [Test]
    public async Task An_unknown_instance_over_all_regions_says_how_many_regions_were_looked_in_one_short_line()
    {
        var result = await Tool.RunAsync(null, "ec2", "terminate", "i-0123456789abcdef0", "--all-regions", "--yes", "--profile", "base", "--endpoint-url", Moto.Url, "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        var line = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.That(line, Does.Match(@"^awsmfa: no such instance in [1-9][0-9] regions: i-0123456789abcdef0; nothing was terminated$"));
    }

    [Test]
    public async Task Bidi_and_zero_width_characters_in_a_name_tag_reach_no_output_unchanged()
    {
        var ids = await LaunchAsync(1, "invoice\u202Egnp.exe\u200B\u2066x");

        var table = await RunAsync(null, "ec2", "list");
        var text = await RunAsync(null, "ec2", "list", "-o", "text");
        var dryRun = await RunAsync(null, "ec2", "terminate", ids[0], "--dry-run");

        foreach (var result in new[] { table, text, dryRun })
        {
            Assert.That(result.Stdout + result.Stderr, Does.Not.Match("[\u202A-\u202E\u2066-\u2069\u200B-\u200F]"), result.ToString());
        }

        Assert.That(table.Stdout, Does.Contain("invoice gnp.exe  x"), table.ToString());
        Assert.That(text.Stdout, Does.Contain("invoice gnp.exe  x"), text.ToString());
        Assert.That(dryRun.Stdout + dryRun.Stderr, Does.Contain("invoice gnp.exe  x"), dryRun.ToString());
    }

    [Test]
    public async Task All_regions_lists_instances_of_three_regions_in_region_order()
    {
        var virginia = await LaunchAsync(1, "virginia");
        var dublin = await LaunchAsync(1, "dublin", "eu-west-1");
        var tokyo = await LaunchAsync(2, "tokyo", "ap-northeast-1");

        var all = await Tool.RunAsync(null, "ec2", "list", "--all-regions", "-o", "text", "--profile", "base", "--endpoint-url", Moto.Url, "-t", "123456");
        var two = await Tool.RunAsync(null, "ec2", "list", "--region", "eu-west-1,ap-northeast-1", "-o", "ids", "--profile", "base", "--endpoint-url", Moto.Url);

        Assert.That(all.ExitCode, Is.Zero, all.ToString());
        var rows = all.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToList();
        Assert.That(rows.Select(r => r[1]), Is.EquivalentTo(virginia.Concat(dublin).Concat(tokyo)));
        Assert.That(rows.Select(r => r[0]), Is.Ordered, "rows in region order");
        Assert.That(rows.Single(r => r[1] == dublin[0])[0], Is.EqualTo("eu-west-1"));
        Assert.That(all.Stderr, Does.Match(@"4 instances in 3 regions \(\d+ asked\): 4 running"));
        Assert.That(two.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(dublin.Concat(tokyo)));
    }

    [Test]
    public async Task Stop_start_and_reboot_with_wait_across_two_regions()
    {
        var virginia = (await LaunchAsync(1, "virginia")).Single();
        var dublin = (await LaunchAsync(1, "dublin", "eu-west-1")).Single();
        string[] Both(params string[] args) => [.. args, virginia, dublin, "--region", "us-east-1,eu-west-1", "--yes", "--profile", "base", "--endpoint-url", Moto.Url, "-t", "123456"];

        var stop = await Tool.RunAsync(null, Both("ec2", "stop", "--wait", "--timeout", "60s"));
        var stopped = await Tool.RunAsync(null, "ec2", "list", "--region", "us-east-1,eu-west-1", "--state", "stopped", "-o", "ids", "--profile", "base", "--endpoint-url", Moto.Url);
        var start = await Tool.RunAsync(null, Both("ec2", "start", "--wait", "--timeout", "60s"));
        var reboot = await Tool.RunAsync(null, Both("ec2", "reboot"));

        Assert.That(stop.ExitCode, Is.Zero, stop.ToString());
        Assert.That(stop.Stdout, Does.Contain($"{virginia} running -> stopping (us-east-1)").And.Contain($"{dublin} running -> stopping (eu-west-1)"));
        Assert.That(stop.Stderr, Does.Contain("waiting: 2/2 stopped"));
        Assert.That(stopped.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { virginia, dublin }));
        Assert.That(start.ExitCode, Is.Zero, start.ToString());
        Assert.That(start.Stderr, Does.Contain("waiting: 2/2 running"));
        Assert.That(reboot.ExitCode, Is.Zero, reboot.ToString());
        Assert.That(reboot.Stdout, Does.Contain($"{virginia} running: reboot requested (us-east-1)"));
        Assert.That(Moto.CountCalls("RebootInstances"), Is.EqualTo(2), "one call per region");
    }

    [Test]
    public async Task Instance_ids_over_several_regions_are_found_where_they_are_and_no_error_elsewhere()
    {
        var dublin = (await LaunchAsync(1, "dublin", "eu-west-1")).Single();

        var result = await Tool.RunAsync(null, "ec2", "list", "--region", "us-east-1,eu-west-1", "--instance-id", dublin, "-o", "ids", "--profile", "base", "--endpoint-url", Moto.Url, "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo(dublin + "\n"));
        Assert.That(result.Stderr, Does.Not.Contain("warning"));
    }
}
