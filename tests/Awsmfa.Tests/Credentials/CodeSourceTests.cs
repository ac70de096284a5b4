using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

/// <summary>
/// Where a code comes from (option, stdin, environment, mfa_process, prompt) and a spent code
/// never sent twice, with scripted mfa_process answers; running the real program is
/// MfaProcessTests' (Process tier).
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class CodeSourceTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost().WithBaseProfile();

    [TearDown]
    public void TearDown() => _host.Dispose();

    /// <summary>Names an mfa_process in the base profile, answered by <paramref name="codes"/>.</summary>
    private FakeMfaProcess UseProcess(params string[] codes)
    {
        _host.WriteConfig("[profile base]\nmfa_process = ykman oath accounts code --single 'AWS alice'\n\n[profile prod]\nrole_arn = arn:aws:iam::210987654321:role/admin\nsource_profile = base\n");
        return _host.MfaProcess = new FakeMfaProcess(codes);
    }

    private Task<CliResult> GetAsync(params string[] args) => _host.RunAsync(["session", "get", "--profile", "base", .. args]);

    private string[] CodesSent() => [.. _host.Aws.StsRequests.Select(r => r.TokenCode)];

    [Test]
    public async Task Mfa_process_gives_the_code_when_nothing_else_does()
    {
        var process = UseProcess("111111");

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(CodesSent(), Is.EqualTo(new[] { "111111" }));
        Assert.That(process.Commands, Is.EqualTo(new[] { "ykman oath accounts code --single 'AWS alice'" }), "the profile's line, as written");
        Assert.That(_host.Terminal.Shown, Is.Empty, "no prompt");
    }

    [Test]
    public async Task Mfa_process_runs_only_when_a_code_is_needed()
    {
        var process = UseProcess("111111");
        await GetAsync();

        var hit = await GetAsync();

        Assert.That(hit.Stderr, Does.Contain("from the cache"));
        Assert.That(process.Runs, Is.EqualTo(1));
    }

    [Test]
    public async Task Mfa_process_that_prints_a_spent_code_is_run_again_at_the_next_step()
    {
        await GetAsync("-t", "123456");
        await _host.RunAsync("session", "clear");
        var process = UseProcess("123456", "654321");

        var result = await _host.RunWithClockRunningAsync(TimeSpan.FromSeconds(5), "session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Match(@"mfa_process printed a code that was already used; waiting \d+s for the next one"));
        Assert.That(CodesSent(), Is.EqualTo(new[] { "123456", "654321" }), "the spent code was never sent again");
        Assert.That(process.Runs, Is.EqualTo(2));
    }

    [Test]
    public async Task Token_code_and_the_environment_come_before_mfa_process()
    {
        UseProcess("111111");
        _host.Environment["AWSMFA_TOKEN_CODE"] = "333333";

        await GetAsync("-t", "222222");
        await GetAsync("--refresh");

        Assert.That(CodesSent(), Is.EqualTo(new[] { "222222", "333333" }));
    }

    [Test]
    public async Task Mfa_process_comes_before_the_prompt()
    {
        UseProcess("111111");
        _host.Terminal.Answer("444444");

        await GetAsync();

        Assert.That(CodesSent(), Is.EqualTo(new[] { "111111" }));
        Assert.That(_host.Terminal.Answers, Has.Count.EqualTo(1), "the prompt was never shown");
    }

    [Test]
    public async Task Mfa_process_is_inherited_through_source_profile()
    {
        UseProcess("111111");

        var result = await _host.RunAsync("session", "get", "--profile", "prod");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(CodesSent(), Is.EqualTo(new[] { "111111" }));
    }

    [Test]
    public async Task A_spent_code_given_on_the_command_line_fails_before_any_sts_call()
    {
        await GetAsync("-t", "123456");
        await _host.RunAsync("session", "clear");

        var again = await GetAsync("-t", "123456");

        Assert.That(again.ExitCode, Is.EqualTo(3), again.ToString());
        Assert.That(again.Stderr, Does.Contain("this MFA code was already used (AWS accepts each code once); pass the next code"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_spent_code_that_minted_the_cached_session_is_served_as_before()
    {
        await GetAsync("-t", "123456");

        var refresh = await GetAsync("-t", "123456", "--refresh");

        Assert.That(refresh.ExitCode, Is.Zero, refresh.ToString());
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task The_prompt_asks_again_for_a_spent_code()
    {
        await GetAsync("-t", "123456");
        await _host.RunAsync("session", "clear");
        _host.Terminal.Answer("123456", "654321");

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Terminal.Shown, Does.Contain("This code was already used or rejected; wait for the next one."));
        Assert.That(CodesSent(), Is.EqualTo(new[] { "123456", "654321" }));
    }

    [Test]
    public async Task Mfa_process_that_keeps_printing_a_spent_code_gives_up_after_three_steps()
    {
        await GetAsync("-t", "123456");
        await _host.RunAsync("session", "clear");
        UseProcess("123456");

        var result = await _host.RunWithClockRunningAsync(TimeSpan.FromSeconds(5), "session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("mfa_process printed codes that were already used, 3 times"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Spent_codes_are_forgotten_after_five_minutes_and_survive_session_clear()
    {
        await GetAsync("-t", "123456");
        await _host.RunAsync("session", "clear");
        var memory = Directory.GetFiles(_host.CacheFolder, "spent-*.state");

        var soon = await GetAsync("-t", "123456");
        _host.Clock.Advance(TimeSpan.FromMinutes(6));
        _host.Aws.AllowCodeReuse = true;
        var later = await GetAsync("-t", "123456");

        Assert.That(memory, Has.Length.EqualTo(1), "session clear keeps the memory");
        Assert.That(File.ReadAllText(memory[0]), Does.Not.Contain("123456"), "a salted hash, never the code");
        Assert.That(soon.ExitCode, Is.EqualTo(3));
        Assert.That(later.ExitCode, Is.Zero, later.ToString());
    }

    [Test]
    public async Task Role_arn_on_a_plain_profile_does_not_take_its_mfa_session_length()
    {
        _host.WriteConfig("[profile base]\nduration_seconds = 86400\n");

        var result = await GetAsync("-t", "123456", "--role-arn", "arn:aws:iam::210987654321:role/admin");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsRequests.Single().DurationSeconds, Is.EqualTo(86400), "the MFA session's");
        Assert.That(_host.Aws.RoleRequests.Single().Request.DurationSeconds, Is.EqualTo(3600), "the role's: 1 h");
    }
}
