using Amazon.EC2.Model;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Ec2;

/// <summary>What an EC2 action shows before it acts (the prompt, --yes, --dry-run), and what it makes of EC2's answer.</summary>
[TestFixture]
[Category("Unit")]
public sealed class InstanceConfirmationTests : FleetHostTest
{
    private const string Web = "i-0123456789abcdef0";

    [Test]
    public async Task Confirmation_shows_tag_names_on_one_row_each()
    {
        Fleet.Add(Web, "running", "web\n  i-0fffffffffffffff0  fake\trow\u001b]0;owned\u0007");
        Host.Terminal.Answer("n");

        var result = await Host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        var rows = Host.Terminal.Shown.Where(line => line.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.That(rows, Has.Count.EqualTo(2), "a header and one instance");
        Assert.That(rows[1], Does.StartWith("  " + Web).And.Contain("fake row"));
        // Checked character by character: culture-aware "contains" ignores control characters.
        Assert.That(rows[1].Where(char.IsControl), Is.Empty);
    }

    [Test]
    public async Task Yes_lists_the_instances_on_stderr_cleaned()
    {
        Fleet.Add(Web, "running", "web\nfake row");

        var result = await Host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--yes");

        Assert.That(result.Stderr, Does.Contain("web fake row"));
        Assert.That(result.Stderr.Split('\n'), Has.None.EqualTo("fake row"));
    }

    [Test]
    public async Task Dry_run_shows_the_instances_with_their_names()
    {
        Fleet.Add(Web, "running", "web-frontend");

        var result = await Host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--dry-run");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain(Web).And.Contain("web-frontend"));
        Assert.That(result.Stderr, Does.Contain("dry run: EC2 would terminate 1 instance"));
    }

    [Test]
    public async Task A_terminate_answer_that_names_an_instance_twice_is_no_crash()
    {
        Fleet.Add(Web, "running", "web");
        var change = new InstanceStateChange { InstanceId = Web, PreviousState = new InstanceState { Name = "running" }, CurrentState = new InstanceState { Name = "shutting-down" } };
        Host.Aws.Ec2.Setup(e => e.TerminateInstancesAsync(It.IsAny<TerminateInstancesRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TerminateInstancesResponse { TerminatingInstances = [change, change, new InstanceStateChange()] });

        var result = await Host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--yes");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running -> shutting-down\n"));
    }
}
