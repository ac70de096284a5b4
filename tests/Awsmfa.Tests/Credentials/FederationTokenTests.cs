using Amazon.SecurityToken.Model;
using Awsmfa.Credentials;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Credentials;

/// <summary>GetFederationToken: a step with no MFA serial, on the same seam and cache as the others.</summary>
[TestFixture]
[Category("Unit")]
public sealed class FederationTokenTests
{
    private const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private TestHost _host = null!;
    private List<(GetFederationTokenRequest Request, string SignedBy)> _calls = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        _calls = [];
        _host.Aws.Sts.Setup(s => s.GetFederationTokenAsync(It.IsAny<GetFederationTokenRequest>(), It.IsAny<CancellationToken>()))
            .Returns((GetFederationTokenRequest request, CancellationToken _) =>
            {
                lock (_calls)
                {
                    _calls.Add((request, _host.Aws.StsClients[^1].Credentials.AccessKeyId));
                }

                return Task.FromResult(new GetFederationTokenResponse
                {
                    Credentials = new Amazon.SecurityToken.Model.Credentials
                    {
                        AccessKeyId = $"ASIAFEDERATED{_calls.Count:D7}",
                        SecretAccessKey = "FederatedSecretValue0001",
                        SessionToken = "FederatedToken",
                        Expiration = _host.Clock.GetUtcNow().UtcDateTime.AddSeconds(request.DurationSeconds ?? 43200),
                    },
                });
            });
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private async Task<ServedCredentials> GetAsync(string? name = "alice", int seconds = 3600, TextWriter? messages = null)
    {
        var pipeline = _host.Services().CreatePipeline(new Reporter(messages ?? TextWriter.Null, verbose: false));
        var request = pipeline.Resolve(new PipelineOptions(Profile: "base", Region: "us-east-1"));
        return await pipeline.GetAsync(
            request,
            (root, services) => new FederationTokenStep(root, name, AllowAll, seconds, request.Target, services.Clients, services.Clock, services.Reporter),
            CancellationToken.None);
    }

    private void CallerIs(string arn) =>
        _host.Aws.Sts.Setup(s => s.GetCallerIdentityAsync(It.IsAny<GetCallerIdentityRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetCallerIdentityResponse { Arn = arn, Account = "123456789012", UserId = "AIDAEXAMPLE" });

    [Test]
    public async Task The_long_term_keys_sign_GetFederationToken_with_name_policy_and_length_and_no_code()
    {
        var served = await GetAsync();

        var (request, signedBy) = _calls.Single();
        Assert.That(signedBy, Is.EqualTo(TestHost.AccessKeyId));
        Assert.That(request.Name, Is.EqualTo("alice"));
        Assert.That(request.Policy, Is.EqualTo(AllowAll));
        Assert.That(request.DurationSeconds, Is.EqualTo(3600));
        Assert.That(served.Identity.Type, Is.EqualTo("sts.GetFederationToken"));
        Assert.That(served.Identity.MfaSerial, Is.Null);
        Assert.That(served.CarriesMfa, Is.False);
        Assert.That(_host.Terminal.Shown, Is.Empty, "no code asked");
    }

    [Test]
    public async Task It_is_cached_as_its_own_entry_type_and_served_from_the_cache()
    {
        var first = await GetAsync();
        var second = await GetAsync();
        var list = await _host.RunAsync("session", "list", "-o", "json");

        Assert.That(first.FromCache, Is.False);
        Assert.That(second.FromCache, Is.True);
        Assert.That(second.Credentials, Is.EqualTo(first.Credentials));
        Assert.That(_calls, Has.Count.EqualTo(1));
        Assert.That(list.Stdout, Does.Contain("\"Type\": \"sts.GetFederationToken\"").And.Contain("\"MfaSerial\": null"));
    }

    [Test]
    public async Task Another_name_is_another_entry()
    {
        await GetAsync("alice");
        await GetAsync("bob");

        Assert.That(_calls.Select(c => c.Request.Name), Is.EqualTo(new[] { "alice", "bob" }));
    }

    [TestCase("a", 3600)]
    [TestCase("a-name-that-is-longer-than-32-chars", 3600)]
    [TestCase("alice", 600)]
    [TestCase("alice", 129_601)]
    public async Task Names_and_lengths_outside_what_STS_takes_are_refused_before_any_call(string name, int seconds)
    {
        var error = await Assert.ThrowsAsync<AwsmfaException>(() => GetAsync(name, seconds));

        Assert.That(error!.ExitCode, Is.EqualTo(2));
        Assert.That(_calls, Is.Empty);
    }

    [Test]
    public async Task Without_a_name_the_IAM_user_s_own_name_is_used()
    {
        CallerIs("arn:aws:iam::123456789012:user/team/alice.smith");

        await GetAsync(name: null, seconds: 43_200);

        Assert.That(_calls.Single().Request.Name, Is.EqualTo("alice.smith"));
        Assert.That(_calls.Single().Request.DurationSeconds, Is.EqualTo(43_200), "an IAM user keeps the length asked");
    }

    [TestCase(null)]
    [TestCase("console")]
    public async Task The_root_user_is_asked_for_one_hour_at_most_and_told_so(string? name)
    {
        CallerIs("arn:aws:iam::123456789012:root");
        using var messages = new StringWriter();

        var served = await GetAsync(name, seconds: 43_200, messages);

        var request = _calls.Single().Request;
        Assert.That(request.DurationSeconds, Is.EqualTo(3600));
        Assert.That(request.Name, Is.EqualTo(name ?? "root"));
        Assert.That(served.Credentials.Expiration - _host.Clock.GetUtcNow(), Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(messages.ToString(), Does.Contain("root user's keys, whose federation session lasts 1h at most: asking for 1h, not 12h"));
    }

    [Test]
    public async Task A_named_session_of_an_hour_or_less_needs_no_caller_lookup()
    {
        _host.Aws.Sts.Setup(s => s.GetCallerIdentityAsync(It.IsAny<GetCallerIdentityRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("GetCallerIdentity was called"));

        await GetAsync("alice", seconds: 3600);

        Assert.That(_calls.Single().Request.DurationSeconds, Is.EqualTo(3600));
    }

    [TestCase("arn:aws:iam::123456789012:root", true)]
    [TestCase("arn:aws-cn:iam::123456789012:root", true)]
    [TestCase("arn:aws:iam::123456789012:user/root", false)]
    [TestCase("arn:aws:sts::123456789012:assumed-role/root/x", false)]
    public void The_root_user_is_known_by_its_ARN(string arn, bool rootUser) =>
        Assert.That(FederationTokenStep.IsRootUser(arn), Is.EqualTo(rootUser));

    [Test]
    public void A_name_is_made_from_an_IAM_user_name_cut_to_32_characters()
    {
        Assert.That(FederationTokenStep.NameFrom("alice.smith@example.com/with-a-very-long-path"), Is.EqualTo("alice.smith@example.comwith-a-ve"));
    }
}
