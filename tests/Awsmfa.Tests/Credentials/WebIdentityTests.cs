using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Credentials;

/// <summary>Web identity profiles and the environment's pair (AssumeRoleWithWebIdentity): no keys, no MFA, cached until they expire.</summary>
[TestFixture]
[Category("Unit")]
public sealed class WebIdentityTests
{
    private const string DeployRole = "arn:aws:iam::210987654321:role/deploy";
    private const string Admin = "arn:aws:iam::210987654321:role/admin";
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9hcHAifQ.c2lnbmF0dXJl";
    private TestHost _host = null!;
    private string _tokenFile = null!;
    private readonly List<AssumeRoleWithWebIdentityRequest> _calls = [];

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost();
        _host.WriteCredentials("");
        _tokenFile = Path.Combine(_host.Home, "token");
        File.WriteAllText(_tokenFile, Token + "\n");
        _host.WriteConfig($"""
            [profile ci]
            role_arn = {DeployRole}
            web_identity_token_file = {_tokenFile}
            role_session_name = ci-job
            region = eu-west-1

            [profile admin]
            role_arn = {Admin}
            source_profile = ci

            [profile guarded]
            role_arn = {Admin}
            source_profile = ci
            mfa_serial = {TestHost.Serial}
            """);
        _calls.Clear();
        var n = 0;
        _host.Aws.Sts.Setup(s => s.AssumeRoleWithWebIdentityAsync(It.IsAny<AssumeRoleWithWebIdentityRequest>(), It.IsAny<CancellationToken>()))
            .Returns((AssumeRoleWithWebIdentityRequest request, CancellationToken _) =>
            {
                lock (_calls)
                {
                    _calls.Add(request);
                    n++;
                }

                return Task.FromResult(new AssumeRoleWithWebIdentityResponse
                {
                    Credentials = new Amazon.SecurityToken.Model.Credentials
                    {
                        AccessKeyId = $"ASIAWEBIDENTITY{n:D5}",
                        SecretAccessKey = $"WebIdentitySecretPart{n}",
                        SessionToken = $"WebIdentityTokenPart{n}",
                        Expiration = _host.Clock.GetUtcNow().UtcDateTime.AddSeconds(request.DurationSeconds ?? 3600),
                    },
                });
            });
        _host.Aws.RespondWithNewRoles();
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private Task<CliResult> GetAsync(params string[] args) => _host.RunAsync(["session", "get", "-o", "json", .. args]);

    private static string KeyOf(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.GetProperty("AccessKeyId").GetString()!;

    [Test]
    public async Task A_web_identity_profile_assumes_its_role_unsigned_with_the_token_and_caches_it()
    {
        var first = await GetAsync("--profile", "ci");
        var second = await GetAsync("--profile", "ci");

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        var call = _calls.Single();
        Assert.That((call.RoleArn, call.RoleSessionName, call.WebIdentityToken, call.DurationSeconds), Is.EqualTo((DeployRole, "ci-job", Token, 3600)));
        Assert.That(_host.Aws.AnonymousStsClients, Has.Count.EqualTo(1), "unsigned: no keys");
        Assert.That(_host.Aws.StsCalls, Is.Zero, "no GetSessionToken, no MFA");
        Assert.That(KeyOf(first), Is.EqualTo("ASIAWEBIDENTITY00001"));
        Assert.That(second.Stderr, Does.Contain("from the cache"), second.ToString());
        Assert.That(KeyOf(second), Is.EqualTo(KeyOf(first)));
        Assert.That(File.ReadAllText(Directory.GetFiles(_host.CacheFolder, "*.json").Single()), Does.Not.Contain(Token), "the token is never cached");
        Assert.That(first.Stderr + second.Stderr, Does.Not.Contain(Token));
    }

    // A rotated token (EKS renews it hourly), or another job's in the same file on a runner whose
    // HOME persists: the web identity and every role above it answer only for the token they were
    // minted with.
    [TestCase("ci", 0)]
    [TestCase("admin", 2)]
    public async Task A_new_token_in_the_file_mints_anew_for_the_web_identity_and_every_role_above_it(string profile, int roleCalls)
    {
        await GetAsync("--profile", profile);
        File.WriteAllText(_tokenFile, Token.Replace("c2lnbmF0dXJl", "b3RoZXJqb2I", StringComparison.Ordinal));

        var again = await GetAsync("--profile", profile);

        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(_calls, Has.Count.EqualTo(2), "the new token is sent to STS");
        Assert.That(_host.Aws.RoleRequests, Has.Count.EqualTo(roleCalls), "and a role above assumed anew with what STS gave for it");
    }

    [Test]
    public async Task A_role_on_top_is_assumed_with_the_web_identity_credentials_and_a_code_only_when_it_names_a_device()
    {
        var admin = await GetAsync("--profile", "admin");
        var guarded = await GetAsync("--profile", "guarded", "-t", "123456");

        Assert.That(admin.ExitCode, Is.Zero, admin.ToString());
        Assert.That(_host.Aws.RoleRequests[0].Request.RoleArn, Is.EqualTo(Admin));
        Assert.That(_host.Aws.RoleRequests[0].SignedBy, Is.EqualTo("ASIAWEBIDENTITY00001"));
        Assert.That(_host.Aws.RoleRequests[0].Request.TokenCode, Is.Null, "no device, no code");
        Assert.That(guarded.ExitCode, Is.Zero, guarded.ToString());
        Assert.That(_host.Aws.RoleRequests[1].Request.SerialNumber, Is.EqualTo(TestHost.Serial));
        Assert.That(_host.Aws.RoleRequests[1].Request.TokenCode, Is.EqualTo("123456"));
        Assert.That(_calls, Has.Count.EqualTo(1), "one web identity session for both");
    }

    [Test]
    public async Task The_environments_pair_serves_when_no_profile_is_named()
    {
        _host.Environment["AWS_ROLE_ARN"] = DeployRole;
        _host.Environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = _tokenFile;
        _host.Environment["AWS_ROLE_SESSION_NAME"] = "gha-run";

        var result = await GetAsync();
        var named = await GetAsync("--profile", "ci");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_calls[0].RoleSessionName, Is.EqualTo("gha-run"));
        Assert.That(named.ExitCode, Is.Zero, named.ToString());
        Assert.That(_calls[1].RoleSessionName, Is.EqualTo("ci-job"), "a named profile wins over the environment");
    }

    [TestCase("", "does not exist")]
    [TestCase("  \n", "is empty")]
    [TestCase("not-a-token", "is not a JWT")]
    [TestCase(Token, "is a JWT")]
    public async Task Doctor_says_in_one_line_what_is_wrong_with_the_token(string content, string says)
    {
        if (content.Length == 0)
        {
            File.Delete(_tokenFile);
        }
        else
        {
            File.WriteAllText(_tokenFile, content);
        }

        var result = await _host.RunAsync("doctor", "--profile", "ci", "-o", "json", "--endpoint-url", "http://127.0.0.1:9");

        using var json = JsonDocument.Parse(result.Stdout);
        var line = json.RootElement.GetProperty("Checks").EnumerateArray().Single(c => c.GetProperty("Check").GetString() == "web identity");
        Assert.That(line.GetProperty("Message").GetString(), Does.Contain(says));
        Assert.That(line.GetProperty("Status").GetString(), Is.EqualTo(says == "is a JWT" ? "ok" : "fail"));
        Assert.That(result.Stdout, Does.Not.Contain(Token), "the token is never shown");
    }

    [Test]
    public async Task Profile_list_names_the_kind()
    {
        var list = await _host.RunAsync("profile", "list", "-o", "json");

        using var json = JsonDocument.Parse(list.Stdout);
        var row = json.RootElement.EnumerateArray().Single(r => r.GetProperty("Profile").GetString() == "ci");
        Assert.That(row.GetProperty("Kind").GetString(), Is.EqualTo("web-identity"));
        Assert.That(row.GetProperty("MfaSerial").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task A_comment_after_a_value_is_named_as_the_value_it_makes()
    {
        File.WriteAllText(_host.ConfigFile, File.ReadAllText(_host.ConfigFile).Replace("role_session_name = ci-job", "role_session_name = ci-job\nduration_seconds = 3600   # an hour", StringComparison.Ordinal));

        var result = await GetAsync("--profile", "ci");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: duration_seconds in profile 'ci' is '3600 # an hour': it must be from 900 (15m) to 43200 (12h) seconds (a # after a value is part of it: comments go on lines of their own)\n"));
    }

    [Test]
    public async Task The_environments_pair_wins_over_an_aws_profile_of_settings_alone_but_not_over_a_role_profile_or_explicit_profile()
    {
        _host.WriteConfig(File.ReadAllText(_host.ConfigFile) + "\n[profile plain]\nregion = ap-south-1\n");
        _host.Environment["AWS_ROLE_ARN"] = "arn:aws:iam::210987654321:role/from-env";
        _host.Environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = _tokenFile;

        _host.Environment["AWS_PROFILE"] = "plain";
        var plain = await _host.RunAsync("session", "get");
        _host.Environment["AWS_PROFILE"] = "admin";
        var role = await GetAsync();
        _host.Environment["AWS_PROFILE"] = null;
        var explicitProfile = await GetAsync("--profile", "ci");

        Assert.That(plain.ExitCode, Is.Zero, plain.ToString());
        Assert.That(plain.Stdout, Does.Contain("export AWS_REGION='ap-south-1'"), "the settings profile gives the region");
        Assert.That(_calls[0].RoleArn, Is.EqualTo("arn:aws:iam::210987654321:role/from-env"));
        Assert.That(role.ExitCode, Is.Zero, role.ToString());
        Assert.That(_host.Aws.RoleRequests.Single().Request.RoleArn, Is.EqualTo(Admin), "a role profile comes first, as botocore's AssumeRoleProvider does");
        Assert.That(explicitProfile.ExitCode, Is.Zero, explicitProfile.ToString());
        Assert.That(_calls.Last().RoleArn, Is.EqualTo(DeployRole), "--profile turns the environment's pair off");
    }

    [TestCase("13h")]
    [TestCase("20h")]
    public async Task A_duration_a_role_cannot_have_is_refused_before_any_call(string duration)
    {
        var result = await GetAsync("--profile", "ci", "--duration", duration);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("must be from 900 (15m) to 43200 (12h) seconds"));
        Assert.That(_calls, Is.Empty);
    }

    [TestCase("missing", "does not exist")]
    [TestCase("empty", "is empty")]
    public async Task A_token_file_that_is_missing_or_empty_is_one_line_and_no_call(string what, string says)
    {
        if (what == "missing")
        {
            File.Delete(_tokenFile);
        }
        else
        {
            File.WriteAllText(_tokenFile, "  \n");
        }

        var result = await GetAsync("--profile", "ci");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo($"awsmfa: web_identity_token_file {_tokenFile} {says}{(what == "missing" ? " (the CI job or pod gives it; is the role's token mounted?)" : "")}\n"));
        Assert.That(_calls, Is.Empty);
    }

    [TestCase("InvalidIdentityToken", "STS rejected the web identity token in")]
    [TestCase("ExpiredTokenException", "has expired (ExpiredTokenException)")]
    [TestCase("AccessDenied", "STS refused to let this web identity assume arn:aws:iam::210987654321:role/deploy (AccessDenied)")]
    public async Task A_token_sts_refuses_is_exit_3_in_one_line_and_nothing_cached(string code, string says)
    {
        _host.Aws.Sts.Setup(s => s.AssumeRoleWithWebIdentityAsync(It.IsAny<AssumeRoleWithWebIdentityRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonSecurityTokenServiceException("refused", ErrorType.Sender, code, "req-1", HttpStatusCode.BadRequest));

        var result = await GetAsync("--profile", "ci");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: ").And.Contain(says));
        Assert.That(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1));
        Assert.That(Directory.Exists(_host.CacheFolder) ? Directory.GetFiles(_host.CacheFolder, "*.json") : [], Is.Empty);
    }
}
