using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

/// <summary>A code STS rejects: asked again at the prompt, never sent a second time by anyone.</summary>
[TestFixture]
[Category("Unit")]
public sealed class RejectedCodeTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        _host.Aws.RespondWithNewSessions();
        _host.Aws.WrongCodes.Add("111111");
        _host.Aws.WrongCodes.Add("222222");
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task A_code_rejected_at_the_prompt_is_asked_again()
    {
        _host.Terminal.Answer("111111", "123456");

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-o", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsRequests.Select(r => r.TokenCode), Is.EqualTo(new[] { "111111", "123456" }));
        Assert.That(_host.Terminal.Shown, Does.Contain("STS rejected that code (wrong, expired or already used); wait for the next one."));
    }

    [Test]
    public async Task Three_rejected_codes_at_the_prompt_end_with_exit_3()
    {
        _host.Aws.WrongCodes.Add("333333");
        _host.Terminal.Answer("111111", "222222", "333333", "123456");

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(3));
        Assert.That(result.Stderr, Does.StartWith("awsmfa: STS rejected the MFA code"));
    }

    [Test]
    public async Task Malformed_and_rejected_answers_count_together_three_in_all()
    {
        _host.Terminal.Answer("12", "111111", "222222", "123456");

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(_host.Terminal.Shown.Count(s => s.StartsWith("MFA code for", StringComparison.Ordinal)), Is.EqualTo(3), "three answers asked for, not four");
        Assert.That(_host.Aws.StsRequests.Select(r => r.TokenCode), Is.EqualTo(new[] { "111111", "222222" }));
    }

    [Test]
    public async Task A_given_code_that_was_rejected_is_not_sent_again()
    {
        var first = await _host.RunAsync("session", "get", "--profile", "base", "-t", "111111");
        var second = await _host.RunAsync("session", "get", "--profile", "base", "-t", "111111");

        Assert.That(first.ExitCode, Is.EqualTo(3), first.ToString());
        Assert.That(second.ExitCode, Is.EqualTo(3), second.ToString());
        Assert.That(second.Stderr, Is.EqualTo("awsmfa: STS rejected this MFA code a moment ago (wrong, expired or already used); pass the next code from the device\n"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1), "AWS counts failed MFA attempts: the second run sent nothing");
    }

    [Test]
    public async Task Parallel_runs_with_a_wrong_code_make_one_call()
    {
        _host.Aws.StsLatency = TimeSpan.FromMilliseconds(200);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _host.RunAsync("session", "get", "--profile", "base", "-t", "111111")));

        Assert.That(results.Select(r => r.ExitCode), Is.All.EqualTo(3));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_given_code_rejected_once_is_not_asked_again()
    {
        // Only a person at the prompt can type another code; a given one fails at once.
        _host.Terminal.Answer("123456");

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "111111");

        Assert.That(result.ExitCode, Is.EqualTo(3));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
        Assert.That(_host.Terminal.Shown, Is.Empty);
    }

    [Test]
    public async Task An_unattended_refresh_does_not_take_the_code_from_the_environment()
    {
        // exec --server's later refreshes: AWSMFA_TOKEN_CODE was spent on the first session.
        _host.Environment["AWSMFA_TOKEN_CODE"] = "123456";
        var pipeline = _host.Services().CreatePipeline(new Reporter(TextWriter.Null, verbose: false));
        var request = pipeline.Resolve(new Awsmfa.Credentials.PipelineOptions(Profile: "base"));

        var error = await Assert.ThrowsAsync<AwsmfaException>(() =>
            pipeline.GetAsync(request with { TokenCode = new Awsmfa.Credentials.TokenCodeOption(null, UseEnvironment: false) }, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("an MFA code is needed and there is no terminal to ask"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }
}
