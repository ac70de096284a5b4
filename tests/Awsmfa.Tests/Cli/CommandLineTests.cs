using System.Text.Json;
using Amazon.EC2.Model;
using Moq;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

[TestFixture]
[Category("Unit")]
public sealed class CommandLineTests : FleetHostTest
{
    [Test]
    public void Each_top_level_command_is_built_under_the_name_it_is_found_by()
    {
        using var host = new TestHost();

        var commands = new Awsmfa.Cli.AwsmfaCli(host.Services()).Commands();

        Assert.That(commands.Select(c => c.Create().Name), Is.EqualTo(commands.Select(c => c.Name)), "a command named first is built alone, looked up by this name");
    }

    [TestCase("session", "get", "--bogus")]
    [TestCase("ec2", "stpo")]
    [TestCase("keys", "--help")]
    public async Task A_command_named_first_parses_and_fails_as_in_the_whole_tree(params string[] args)
    {
        using var host = new TestHost();

        var alone = await host.RunAsync(args);
        var withOthers = await host.RunAsync(["--verbose", .. args]);

        Assert.That(alone.ExitCode, Is.EqualTo(withOthers.ExitCode));
        Assert.That(alone.Stdout, Is.EqualTo(withOthers.Stdout));
        Assert.That(alone.Stderr, Is.EqualTo(withOthers.Stderr));
    }

    [Test]
    public async Task Version_prints_the_version()
    {
        using var host = new TestHost();

        var result = await host.RunAsync("--version");

        Assert.That(result.ExitCode, Is.Zero);
        // The tag's version or a pre-release after it (MinVer), and the commit the build is of.
        Assert.That(result.Stdout, Does.Match(@"^awsmfa \d+\.\d+\.\d+(-[0-9A-Za-z.]+)? \(commit [0-9a-f]{12}\)\n$"));
    }

    [TestCase("--version", "session")]
    [TestCase("session", "--version")]
    [TestCase("--version", "--verbose")]
    [TestCase("--version", "sesion")]
    public async Task Version_with_anything_else_is_a_usage_error(params string[] args)
    {
        using var host = new TestHost();

        var result = await host.RunAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(result.Stderr, Does.StartWith("awsmfa: ").And.EndWith("\n"));
        Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain('\n'), "one line");
    }

    [TestCase("--help", "session", "eval \"$(awsmfa session get)\"")]
    [TestCase("session get --help", "--token-code", "--token-code - -o dotenv")]
    [TestCase("session list --help", "--output", "awsmfa session list -o json")]
    [TestCase("session clear --help", "--profile", "awsmfa session clear --profile work")]
    public async Task Help_describes_options_and_shows_examples(string args, string option, string example)
    {
        using var host = new TestHost();

        var result = await host.RunAsync(args.Split(' '));

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stdout, Does.Contain(option).And.Contain("Examples:").And.Contain(example));
    }

    [Test]
    public async Task Exec_help_alone_still_shows_help()
    {
        var result = await Host.RunAsync("exec", "--help");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stdout, Does.Contain("awsmfa exec -- aws s3 ls"));
    }

    [TestCase("JSON")]
    [TestCase("Json")]
    [TestCase("Credential-Process")]
    public async Task Output_formats_are_case_insensitive(string format)
    {
        var result = await Host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "-o", format);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("SessionToken").GetString(), Is.EqualTo("SessionTokenPart1"));
    }

    [Test]
    public async Task Completion_offers_no_windows_help_spellings()
    {
        var line = "awsmfa session get ";
        var result = await Host.RunAsync($"[suggest:{line.Length}]", line);

        Assert.That(result.Stdout.Split('\n'), Has.None.EqualTo("/?").And.None.EqualTo("/h").And.None.EqualTo("-?"));
        Assert.That(result.Stdout.Split('\n'), Has.Some.EqualTo("--help"));
    }

    [Test]
    public async Task An_unplanned_error_is_a_bug_with_exit_70_and_one_line()
    {
        Host.Aws.Ec2.Setup(e => e.DescribeInstancesAsync(It.IsAny<DescribeInstancesRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("boom\nsecond line"));

        var result = await Host.RunAsync("ec2", "list", "--profile", "base", "-t", "123456");
        var verbose = await Host.RunAsync("ec2", "list", "--profile", "base", "--verbose");

        Assert.That(result.ExitCode, Is.EqualTo(70));
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: this is a bug in awsmfa (InvalidOperationException: boom second line); please report it, with the output of --verbose\n"));
        Assert.That(verbose.Stderr, Does.Contain("   at "), "the stack with --verbose");
    }
}
