using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

/// <summary>On a terminal, session get says how to load the very session it printed.</summary>
[TestFixture]
[Category("Unit")]
public sealed class LoadHintTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        _host.WriteConfig("[profile prod]\nrole_arn = arn:aws:iam::210987654321:role/admin\nsource_profile = base\nregion = eu-west-1\n");
        _host.Aws.RespondWithNewSessions();
        _host.Aws.RespondWithNewRoles();
        _host.Terminal.StdoutIsTerminal = true;
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    [TestCase(new string[0], "eval \"$(awsmfa session get)\"")]
    [TestCase(new[] { "-o", "fish" }, "awsmfa session get -o fish | source")]
    [TestCase(new[] { "-o", "powershell" }, "awsmfa session get -o powershell | Out-String | Invoke-Expression")]
    public async Task The_hint_names_the_format(string[] format, string hint)
    {
        var result = await _host.RunAsync(["session", "get", "-t", "123456", "--profile", "base", .. format]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("to load these into your shell: " + hint.Replace("session get", "session get --profile base", StringComparison.Ordinal) + "\n"));
    }

    [Test]
    public async Task The_hint_repeats_every_option_that_changes_the_session_and_no_other()
    {
        var result = await _host.RunAsync(
            "session", "get", "--profile", "prod", "-t", "909090", "--region", "eu-central-1", "--duration", "30m", "--request-timeout", "20s", "--refresh", "-o", "fish");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("to load these into your shell: awsmfa session get --profile prod --duration 30m --region eu-central-1 -o fish | source\n"));
        Assert.That(result.Stderr, Does.Not.Contain("909090").And.Not.Contain("--request-timeout").And.Not.Contain("--refresh"), "a code is spent once; fetching options change nothing");
    }

    [Test]
    public async Task Values_are_quoted_for_the_shell_that_reads_the_hint()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--role-arn", "arn:aws:iam::210987654321:role/admin", "--role-session-name", "alice@work", "-o", "powershell");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("awsmfa session get --profile base --role-arn arn:aws:iam::210987654321:role/admin --role-session-name 'alice@work' -o powershell | Out-String"));
    }

    [Test]
    public async Task Session_get_into_a_pipe_gives_no_hint()
    {
        _host.Terminal.StdoutIsTerminal = false;

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.Stderr, Does.Not.Contain("to load these"));
    }
}
