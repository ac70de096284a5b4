using Awsmfa.Platform;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

[TestFixture]
[Category("Unit")]
public sealed class ExecTests
{
    private TestHost _host = null!;
    private RecordingRunner _runner = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        _host.WriteConfig("[profile base]\nregion = eu-west-1\n");
        _runner = new RecordingRunner();
        _host.Processes = _runner;
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task Runs_the_command_with_the_session_and_without_long_term_keys_or_profile()
    {
        _host.Environment["AWS_PROFILE"] = "base";
        _host.Environment["AWS_ACCESS_KEY_ID"] = "AKIALONGTERM";
        _host.Environment["AWS_SECRET_ACCESS_KEY"] = "long-term-secret";
        _host.Environment["PATH"] = "/usr/bin";

        var result = await _host.RunAsync("exec", "-t", "123456", "--", "aws", "s3", "ls", "--profile", "x");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_runner.Program, Is.EqualTo("aws"));
        Assert.That(_runner.Arguments, Is.EqualTo(new[] { "s3", "ls", "--profile", "x" }));
        var env = _runner.Environment!;
        Assert.Multiple(() =>
        {
            Assert.That(env["AWS_ACCESS_KEY_ID"], Is.EqualTo("ASIASESSION000000001"));
            Assert.That(env["AWS_SECRET_ACCESS_KEY"], Is.EqualTo("SessionSecretPart1"));
            Assert.That(env["AWS_SESSION_TOKEN"], Is.EqualTo("SessionTokenPart1"));
            Assert.That(env["AWS_CREDENTIAL_EXPIRATION"], Is.EqualTo("2026-11-28T13:00:00Z"));
            Assert.That(env["AWS_REGION"], Is.EqualTo("eu-west-1"));
            Assert.That(env["AWS_DEFAULT_REGION"], Is.EqualTo("eu-west-1"));
            Assert.That(env["AWSMFA_SESSION"], Is.EqualTo("base"));
            Assert.That(env["PATH"], Is.EqualTo("/usr/bin"));
            Assert.That(env, Does.Not.ContainKey("AWS_PROFILE"));
            Assert.That(env.Values, Does.Not.Contain("long-term-secret"));
        });
        Assert.That(result.Stdout, Is.Empty, "stdout belongs to the child");
    }

    [Test]
    public async Task Passes_the_childs_exit_code_through()
    {
        _runner.ExitCode = 42;

        var result = await _host.RunAsync("exec", "--profile", "base", "-t", "123456", "--", "false");

        Assert.That(result.ExitCode, Is.EqualTo(42));
    }

    [Test]
    public async Task Refuses_to_nest_unless_asked()
    {
        _host.Environment["AWSMFA_SESSION"] = "base";

        var refused = await _host.RunAsync("exec", "--profile", "base", "-t", "123456", "--", "env");
        var allowed = await _host.RunAsync("exec", "--profile", "base", "-t", "123456", "--allow-nested", "--", "env");

        Assert.That(refused.ExitCode, Is.EqualTo(2));
        Assert.That(refused.Stderr, Does.Contain("already inside awsmfa exec"));
        Assert.That(allowed.ExitCode, Is.Zero, allowed.ToString());
        Assert.That(_runner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Without_a_command_starts_the_users_shell_with_the_session()
    {
        var runner = new RecordingRunner();
        _host.Processes = runner;
        _host.Environment["SHELL"] = "/usr/bin/zsh";

        var result = await _host.RunAsync("exec", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(runner.Program, Is.EqualTo("/usr/bin/zsh"));
        Assert.That(runner.Arguments, Is.Empty);
        Assert.That(runner.Environment!["AWS_SESSION_TOKEN"], Is.Not.Empty);
    }

    [Test]
    public async Task Without_a_command_or_SHELL_starts_bin_sh()
    {
        var runner = new RecordingRunner();
        _host.Processes = runner;
        _host.Environment["SHELL"] = null;

        var result = await _host.RunAsync("exec", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(runner.Program, Is.EqualTo(OperatingSystem.IsWindows() ? "cmd.exe" : "/bin/sh"));
    }

    private sealed class RecordingRunner : IChildProcessRunner
    {
        public string? Program { get; private set; }

        public IReadOnlyList<string>? Arguments { get; private set; }

        public IReadOnlyDictionary<string, string>? Environment { get; private set; }

        public int ExitCode { get; set; }

        public int Calls { get; private set; }

        public Task<int> RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
        {
            Calls++;
            (Program, Arguments, Environment) = (program, arguments, environment);
            return Task.FromResult(ExitCode);
        }
    }
}
