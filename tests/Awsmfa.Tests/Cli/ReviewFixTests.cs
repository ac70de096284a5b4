using System.Text.Json;
using Amazon.EC2.Model;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Cli;

/// <summary>What a newcomer and a code review found broken (issue #12), each proved at the command line.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ReviewFixTests
{
    private const string Web = "i-0123456789abcdef0";

    private TestHost _host = null!;
    private FakeFleet _fleet = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        _host.WriteConfig("[profile base]\nregion = us-east-1\n");
        _fleet = new FakeFleet(_host.Aws.Ec2);
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task A_mistyped_subcommand_is_matched_among_its_siblings()
    {
        var result = await _host.RunAsync("ec2", "terminat", Web);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: unknown command 'terminat' for 'awsmfa ec2'; did you mean 'terminate'?\n"));
    }

    [TestCase("exec", "ls", "-d", "/tmp")]
    [TestCase("exec", "ls", "--help")]
    [TestCase("exec", "--profile", "base", "aws", "s3", "ls")]
    [TestCase("exec", "ls", "-d", "/tmp", "--", "x")]
    [TestCase("exec", "--profile", "base", "echo", "hi", "--")]
    public async Task Exec_without_double_dash_says_where_the_command_goes(params string[] args)
    {
        var result = await _host.RunAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: put the command after --"));
        Assert.That(result.Stdout, Is.Empty, "no help text");
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task Exec_help_alone_still_shows_help()
    {
        var result = await _host.RunAsync("exec", "--help");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stdout, Does.Contain("awsmfa exec -- aws s3 ls"));
    }

    [TestCase("JSON")]
    [TestCase("Json")]
    [TestCase("Credential-Process")]
    public async Task Output_formats_are_case_insensitive(string format)
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "-o", format);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("SessionToken").GetString(), Is.EqualTo("SessionTokenPart1"));
    }

    [Test]
    public async Task Completion_offers_no_windows_help_spellings()
    {
        var line = "awsmfa session get ";
        var result = await _host.RunAsync($"[suggest:{line.Length}]", line);

        Assert.That(result.Stdout.Split('\n'), Has.None.EqualTo("/?").And.None.EqualTo("/h").And.None.EqualTo("-?"));
        Assert.That(result.Stdout.Split('\n'), Has.Some.EqualTo("--help"));
    }

    [Test]
    public async Task Session_get_into_a_pipe_gives_no_hint()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.Stderr, Does.Not.Contain("to load these"));
    }

    [Test]
    public async Task Verbose_says_where_a_cache_hit_came_from()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        var hit = await _host.RunAsync("session", "get", "--profile", "base", "--verbose");

        Assert.That(hit.Stderr, Does.Contain("[verbose] served from the cache (" + _host.CacheFolder));
    }

    [Test]
    public async Task Refresh_with_a_spent_code_does_not_blame_another_process()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        var again = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--refresh", "--verbose");

        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(again.Stderr, Does.Contain("already holds credentials minted with this MFA code (an earlier or parallel run)"));
        Assert.That(again.Stderr, Does.Not.Contain("another awsmfa process"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Verbose_masks_the_long_term_access_key_id()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--verbose");

        Assert.That(result.Stderr, Does.Contain("with access key AKIA...MPLE"));
        Assert.That(result.Stderr, Does.Not.Contain(TestHost.AccessKeyId));
    }

    [Test]
    public async Task Json_listing_that_fails_on_a_later_page_leaves_stdout_empty()
    {
        for (var i = 0; i < 12; i++)
        {
            _fleet.Add($"i-{i:x17}", "running", $"web-{i}");
        }

        _fleet.FailAfterDescribes = 1;

        var result = await _host.RunAsync("ec2", "list", "--profile", "base", "-t", "123456", "-o", "json", "--page-size", "5");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Is.Empty);
    }

    [Test]
    public async Task Confirmation_shows_tag_names_on_one_row_each()
    {
        _fleet.Add(Web, "running", "web\n  i-0fffffffffffffff0  fake\trow\u001b]0;owned\u0007");
        _host.Terminal.Answer("n");

        var result = await _host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        var rows = _host.Terminal.Shown.Where(line => line.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.That(rows, Has.Count.EqualTo(2), "a header and one instance");
        Assert.That(rows[1], Does.StartWith("  " + Web).And.Contain("fake row"));
        // Checked character by character: culture-aware "contains" ignores control characters.
        Assert.That(rows[1].Where(char.IsControl), Is.Empty);
    }

    [Test]
    public async Task Yes_lists_the_instances_on_stderr_cleaned()
    {
        _fleet.Add(Web, "running", "web\nfake row");

        var result = await _host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--yes");

        Assert.That(result.Stderr, Does.Contain("web fake row"));
        Assert.That(result.Stderr.Split('\n'), Has.None.EqualTo("fake row"));
    }

    [Test]
    public async Task Dry_run_shows_the_instances_with_their_names()
    {
        _fleet.Add(Web, "running", "web-frontend");

        var result = await _host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--dry-run");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain(Web).And.Contain("web-frontend"));
        Assert.That(result.Stderr, Does.Contain("dry run: EC2 would terminate 1 instance"));
    }

    [Test]
    public async Task An_unplanned_error_is_a_bug_with_exit_70_and_one_line()
    {
        _host.Aws.Ec2.Setup(e => e.DescribeInstancesAsync(It.IsAny<DescribeInstancesRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("boom\nsecond line"));

        var result = await _host.RunAsync("ec2", "list", "--profile", "base", "-t", "123456");
        var verbose = await _host.RunAsync("ec2", "list", "--profile", "base", "--verbose");

        Assert.That(result.ExitCode, Is.EqualTo(70));
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: this is a bug in awsmfa (InvalidOperationException: boom second line); please report it, with the output of --verbose\n"));
        Assert.That(verbose.Stderr, Does.Contain("   at "), "the stack with --verbose");
    }

    [Test]
    public async Task A_terminate_answer_that_names_an_instance_twice_is_no_crash()
    {
        _fleet.Add(Web, "running", "web");
        var change = new InstanceStateChange { InstanceId = Web, PreviousState = new InstanceState { Name = "running" }, CurrentState = new InstanceState { Name = "shutting-down" } };
        _host.Aws.Ec2.Setup(e => e.TerminateInstancesAsync(It.IsAny<TerminateInstancesRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TerminateInstancesResponse { TerminatingInstances = [change, change, new InstanceStateChange()] });

        var result = await _host.RunAsync("ec2", "terminate", "--profile", "base", "-t", "123456", Web, "--yes");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo($"{Web} running -> shutting-down\n"));
    }
}
