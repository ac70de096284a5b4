using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

/// <summary>Usage errors: one line in awsmfa's words, exit 2, the closest option, command or value, nothing sent.</summary>
[TestFixture]
[Category("Unit")]
public sealed class UsageErrorTests
{
    private const string Id = "i-0123456789abcdef0";
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost().WithBaseProfile();

    [TearDown]
    public void TearDown() => _host.Dispose();

    /// <summary>argv and the one line it must give; the tool's own fixture runs the same through the built binary.</summary>
    internal static readonly object[] Cases =
    [
        new object[] { new[] { "ec2", "list", "--stat", "running" }, "awsmfa: unknown option '--stat' for 'awsmfa ec2 list' (did you mean --state?)\n" },
        new object[] { new[] { "ec2", "stop", Id, "--wiat" }, "awsmfa: unknown option '--wiat' for 'awsmfa ec2 stop' (did you mean --wait?)\n" },
        new object[] { new[] { "ec2", "reboot", Id, "--yes", "--wait" }, "awsmfa: unknown option '--wait' for 'awsmfa ec2 reboot'; see 'awsmfa ec2 reboot --help'\n" },
        new object[] { new[] { "ec2", "list", "--max", "5" }, "awsmfa: unknown option '--max' for 'awsmfa ec2 list'; see 'awsmfa ec2 list --help'\n" },
        new object[] { new[] { "exec", "--sever", "--", "true" }, "awsmfa: unknown option '--sever' for 'awsmfa exec' (did you mean --server?)\n" },
        new object[] { new[] { "session", "get", "--profle=base" }, "awsmfa: unknown option '--profle' for 'awsmfa session get' (did you mean --profile?)\n" },
        new object[] { new[] { "ec2", "list", "--state", "runing" }, "awsmfa: --state 'runing' is not one of: pending, running, shutting-down, terminated, stopping, stopped (did you mean running?)\n" },
        new object[] { new[] { "session", "get", "-o", "jsn" }, "awsmfa: --output 'jsn' is not one of: env, dotenv, fish, powershell, json, credential-process (did you mean json?)\n" },
        new object[] { new[] { "completion", "bsh" }, "awsmfa: shell 'bsh' is not one of: bash, zsh, fish, powershell (did you mean bash?)\n" },
        new object[] { new[] { "ec2", "terminate" }, "awsmfa: 'awsmfa ec2 terminate' needs the ID argument, e.g. awsmfa ec2 terminate i-0123456789abcdef0\n" },
        new object[] { new[] { "session", "get", "--profile" }, "awsmfa: --profile needs a value, as in --profile NAME; see 'awsmfa session get --help'\n" },
        new object[] { new[] { "ec2", "terminate", Id, "--region" }, "awsmfa: --region needs a value, as in --region REGION; see 'awsmfa ec2 terminate --help'\n" },
        new object[] { new[] { "session", "get", "--profile", "a", "--profile", "b" }, "awsmfa: --profile takes one value and was given 2; give it once\n" },
        new object[] { new[] { "session", "get", "-t", "123456", "-t", "654321" }, "awsmfa: -t takes one value and was given 2; give it once\n" },
        new object[] { new[] { "ec2", "list", "extra" }, "awsmfa: unexpected argument 'extra' for 'awsmfa ec2 list'; see 'awsmfa ec2 list --help'\n" },
        new object[] { new[] { "ec2" }, "awsmfa: 'awsmfa ec2' needs a command: list, stop, start, reboot, terminate; see 'awsmfa ec2 --help'\n" },
        new object[] { new[] { "sesion", "get" }, "awsmfa: unknown command 'sesion' for 'awsmfa'; did you mean 'session'?\n" },
        new object[] { new[] { "sesion", "get", "--profile", "prod" }, "awsmfa: unknown command 'sesion' for 'awsmfa'; did you mean 'session'?\n" },
        new object[] { new[] { "keys", "imprt", "--profile", "prod" }, "awsmfa: unknown command 'imprt' for 'awsmfa keys'; did you mean 'import'?\n" },
        new object[] { new[] { "eks", "tokn", "--cluster-name", "demo" }, "awsmfa: unknown command 'tokn' for 'awsmfa eks'; did you mean 'token'?\n" },
        new object[] { new[] { "ec2", "lst", "--region", "us-east-1" }, "awsmfa: unknown command 'lst' for 'awsmfa ec2'; did you mean 'list'?\n" },
        new object[] { new[] { "profile", "lst" }, "awsmfa: unknown command 'lst' for 'awsmfa profile'; did you mean 'list'?\n" },
        new object[] { new[] { "console", "--duration", "13h" }, "awsmfa: --duration for the console is at most 12h (43200 s), the console's own limit\n" },
        new object[] { new[] { "whoamI" }, "awsmfa: unknown command 'whoamI' for 'awsmfa'; did you mean 'whoami'?\n" },
        new object[] { new[] { "ec2", "list", "--profile", "base", "--region", "us-est-1" }, "awsmfa: unknown region 'us-est-1' (did you mean us-east-1?)\n" },
        new object[] { new[] { "ec2", "list", "--profile", "base", "--region", "us-east-1", "--all-regions" }, "awsmfa: --region and --all-regions do not go together: name the regions, or ask for all of them\n" },
    ];

    [TestCaseSource(nameof(Cases))]
    public async Task A_usage_error_is_one_line_naming_the_closest_choice_and_exit_2(string[] args, string expected)
    {
        var result = await _host.RunAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo(expected));
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(_host.Aws.StsCalls + _host.Aws.RoleCalls, Is.Zero);
    }

    [Test]
    public async Task An_option_value_that_starts_with_a_dash_is_not_an_unknown_option()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "--token-code", "-", "-o", "json");

        Assert.That(result.Stderr, Does.Not.Contain("unknown option"));
    }

    [TestCase(new[] { "help" }, "Commands:")]
    [TestCase(new[] { "help", "session", "get" }, "--output")]
    public async Task Help_as_a_command_shows_the_help_of_what_follows(string[] args, string expected)
    {
        var result = await _host.RunAsync(args);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("Usage:").And.Contain(expected));
    }

    [Test]
    public async Task Plain_awsmfa_shows_the_help()
    {
        var result = await _host.RunAsync();

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stdout, Does.Contain("Usage:").And.Contain("session").And.Contain("Examples:"));
        Assert.That(result.Stderr, Is.Empty);
    }

    [TestCase("us-est-1", "us-east-1")]
    [TestCase("eu-wset-1", "eu-west-1")]
    [TestCase("ap-southest-1", "ap-southeast-1")]
    public async Task A_region_close_to_a_known_one_is_refused_before_any_call(string typo, string meant)
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--region", typo);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo($"awsmfa: unknown region '{typo}' (did you mean {meant}?)\n"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [TestCase("eu-west-4")]
    [TestCase("xx-newplace-1")]
    public async Task A_region_newer_than_the_sdk_goes_through(string region)
    {
        _host.Aws.RespondWithNewSessions();

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--region", region);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsClients.Single().Target.Region, Is.EqualTo(region));
    }

    [Test]
    public async Task A_typo_in_the_environments_region_is_refused_too()
    {
        _host.Environment["AWS_REGION"] = "us-est-1";

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("unknown region 'us-est-1' (did you mean us-east-1?)"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task A_typo_in_the_profiles_region_is_refused_too()
    {
        // The SDK registers every name it reads as a region of its own ("Unknown"): not a known one.
        _host.WriteConfig("[profile base]\nregion = us-est-1\n");

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: region in profile 'base': unknown region 'us-est-1' (did you mean us-east-1?)\n"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [TestCase("list")]
    [TestCase("stop")]
    public async Task Region_and_all_regions_together_are_a_conflict(string verb)
    {
        var args = verb == "list"
            ? new[] { "ec2", "list", "--profile", "base", "--region", "us-east-1", "--all-regions" }
            : new[] { "ec2", verb, Id, "--profile", "base", "--region", "us-east-1", "--all-regions", "--yes" };

        var result = await _host.RunAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: --region and --all-regions do not go together: name the regions, or ask for all of them\n"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task A_mistyped_subcommand_is_matched_among_its_siblings()
    {
        var result = await _host.RunAsync("ec2", "terminat", Id);

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
}
