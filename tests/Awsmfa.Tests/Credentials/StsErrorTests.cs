using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

[TestFixture]
[Category("Unit")]
public sealed class StsErrorTests
{
    private static IEnumerable<TestCaseData> Answers()
    {
        yield return new TestCaseData(StsErrors.InvalidCode(), 3, "STS rejected the MFA code: it is wrong, expired or was already used").SetName("Invalid code is exit 3");
        yield return new TestCaseData(StsErrors.WrongSerial(), 3, "could not check the code against MFA device arn:aws:iam::123456789012:mfa/alice").SetName("Wrong serial is exit 3");
        yield return new TestCaseData(StsErrors.InvalidClientTokenId(), 3, "STS rejected the access key: it is wrong, deleted or disabled (InvalidClientTokenId)").SetName("Unknown access key is exit 3");
        yield return new TestCaseData(StsErrors.SignatureExpired(), 3, "this computer's clock is off by minutes").SetName("Clock skew is exit 3 with a hint");
        yield return new TestCaseData(StsErrors.SignatureDoesNotMatch(), 3, "the secret access key does not match the access key").SetName("Wrong secret is exit 3");
        yield return new TestCaseData(StsErrors.SessionCredentials(), 2, "belongs to a session; GetSessionToken needs an IAM user's long-term access key").SetName("Session credentials are exit 2");
        yield return new TestCaseData(StsErrors.Validation(), 2, "STS rejected the request as invalid: 1 validation error").SetName("ValidationError is exit 2");
        yield return new TestCaseData(StsErrors.Throttling(), 1, "STS is throttling requests (Throttling)").SetName("Throttling is exit 1");
        yield return new TestCaseData(StsErrors.ServiceUnavailable(), 1, "STS failed with HTTP 503 (ServiceUnavailable)").SetName("Outage is exit 1");
        yield return new TestCaseData(StsErrors.Unreachable(), 1, "could not reach STS: Connection refused").SetName("Unreachable endpoint is exit 1");
    }

    [TestCaseSource(nameof(Answers))]
    public async Task Sts_answers_become_one_line_and_a_documented_exit_code(Exception answer, int exitCode, string message)
    {
        using var host = new TestHost().WithBaseProfile();
        host.Aws.RespondWith(answer);

        var result = await host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: ").And.Contain(message));
        Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain('\n'), "one line");
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(host.CacheFiles().Where(f => f.EndsWith(".json", StringComparison.Ordinal)), Is.Empty, "nothing cached on failure");
    }

    [Test]
    public async Task Verbose_adds_the_aws_error_code_but_no_secret()
    {
        using var host = new TestHost().WithBaseProfile();
        host.Aws.RespondWith(StsErrors.InvalidClientTokenId());

        var result = await host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--verbose");

        Assert.That(result.Stderr, Does.Contain("[verbose] caused by AmazonSecurityTokenServiceException (InvalidClientTokenId)"));
        Assert.That(result.Stderr, Does.Not.Contain(TestHost.SecretAccessKey));
    }

    [Test]
    public async Task A_failed_refresh_keeps_the_valid_cached_session()
    {
        using var host = new TestHost().WithBaseProfile();
        await host.RunAsync("session", "get", "--profile", "base", "-t", "123456");
        host.Aws.RespondWith(StsErrors.InvalidCode());

        var failed = await host.RunAsync("session", "get", "--profile", "base", "-t", "654321", "--refresh");
        var after = await host.RunAsync("session", "get", "--profile", "base");

        Assert.That(failed.ExitCode, Is.EqualTo(3));
        Assert.That(after.ExitCode, Is.Zero);
        Assert.That(after.Stdout, Does.Contain("SessionTokenPart1"));
    }
}
