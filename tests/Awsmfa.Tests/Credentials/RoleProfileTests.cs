using System.Text.Json;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

/// <summary>Role profiles (issue #9): one MFA code, then every role; chains, the 1-hour rule, caching and errors.</summary>
[TestFixture]
[Category("Unit")]
public sealed class RoleProfileTests
{
    private const string Admin = "arn:aws:iam::210987654321:role/admin";
    private const string Deeper = "arn:aws:iam::210987654321:role/deeper";
    private const string ReadOnly = "arn:aws:iam::210987654321:role/readonly";

    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        _host.WriteConfig($"""
            [profile base]
            region = us-east-1

            [profile prod]
            role_arn = {Admin}
            source_profile = base
            region = eu-west-1

            [profile deep]
            role_arn = {Deeper}
            source_profile = prod

            [profile readonly]
            role_arn = {ReadOnly}
            source_profile = base
            external_id = shared-secret-id
            role_session_name = alice-readonly

            [profile long]
            role_arn = {Admin}
            source_profile = base
            duration_seconds = 7200

            [profile longdeep]
            role_arn = {Deeper}
            source_profile = long
            duration_seconds = 7200

            [profile otherdevice]
            role_arn = {Admin}
            source_profile = base
            mfa_serial = arn:aws:iam::123456789012:mfa/alice-yubikey

            [profile loopa]
            role_arn = {Admin}
            source_profile = loopb

            [profile loopb]
            role_arn = {Deeper}
            source_profile = loopa

            [profile orphan]
            role_arn = {Admin}
            source_profile = nowhere
            """);
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private Task<CliResult> GetAsync(params string[] args) => _host.RunAsync(["session", "get", "-o", "json", .. args]);

    private static string KeyOf(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.GetProperty("AccessKeyId").GetString()!;

    [Test]
    public async Task A_role_profile_assumes_its_role_with_the_mfa_session_of_its_source()
    {
        var result = await GetAsync("--profile", "prod", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(KeyOf(result), Does.StartWith("ASIAROLE"), "the role's credentials, not the MFA session's");
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
        var (request, signedBy) = _host.Aws.RoleRequests.Single();
        Assert.That(request.RoleArn, Is.EqualTo(Admin));
        Assert.That(request.SerialNumber, Is.Null, "no code: the MFA session carries the MFA context");
        Assert.That(signedBy, Is.EqualTo("ASIASESSION000000001"), "signed with the MFA session");
        Assert.That(request.RoleSessionName, Does.StartWith("awsmfa-"));
        Assert.That(result.Stderr, Does.Contain($"role {Admin} for profile 'prod'"));
    }

    [Test]
    public async Task A_chain_of_depth_two_assumes_hop_by_hop()
    {
        var result = await GetAsync("--profile", "deep", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.RoleRequests.Select(r => r.Request.RoleArn), Is.EqualTo(new[] { Admin, Deeper }));
        Assert.That(_host.Aws.RoleRequests[1].SignedBy, Is.EqualTo("ASIAROLE000000000001"), "the second hop signed with the first role");
        Assert.That(KeyOf(result), Is.EqualTo("ASIAROLE000000000002"));
    }

    [Test]
    public async Task One_code_serves_every_role_from_the_same_root_and_the_root_itself()
    {
        await GetAsync("--profile", "prod", "-t", "123456");

        var readOnly = await GetAsync("--profile", "readonly");
        var deep = await GetAsync("--profile", "deep");
        var root = await GetAsync("--profile", "base");

        Assert.That(new[] { readOnly.ExitCode, deep.ExitCode, root.ExitCode }, Is.All.Zero, readOnly + "\n" + deep + "\n" + root);
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1), "one GetSessionToken, one code");
        Assert.That(_host.Aws.RoleRequests.Select(r => r.Request.RoleArn), Is.EqualTo(new[] { Admin, ReadOnly, Deeper }), "prod's role reused for deep's first hop");
        Assert.That(root.Stderr, Does.Contain("from the cache"));
    }

    [Test]
    public async Task Role_credentials_are_cached_per_role()
    {
        var first = await GetAsync("--profile", "prod", "-t", "123456");
        var second = await GetAsync("--profile", "prod");

        Assert.That(KeyOf(second), Is.EqualTo(KeyOf(first)));
        Assert.That(second.Stderr, Does.Contain("from the cache"));
        Assert.That(_host.Aws.RoleCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Refresh_of_a_role_profile_renews_the_role_without_a_code()
    {
        await GetAsync("--profile", "prod", "-t", "123456");

        var refreshed = await GetAsync("--profile", "prod", "--refresh");

        Assert.That(refreshed.ExitCode, Is.Zero, refreshed.ToString());
        Assert.That(_host.Aws.RoleCalls, Is.EqualTo(2));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1), "the MFA session was still good");
    }

    [Test]
    public async Task External_id_and_session_name_come_from_the_profile()
    {
        await GetAsync("--profile", "readonly", "-t", "123456");

        var request = _host.Aws.RoleRequests.Single().Request;
        Assert.That(request.ExternalId, Is.EqualTo("shared-secret-id"));
        Assert.That(request.RoleSessionName, Is.EqualTo("alice-readonly"));
    }

    [Test]
    public async Task A_role_profiles_own_region_wins_over_its_source_and_the_option_over_both()
    {
        await GetAsync("--profile", "prod", "-t", "123456");
        await GetAsync("--profile", "prod", "--region", "ap-south-1", "--refresh");

        Assert.That(_host.Aws.RoleStsClients[0].Target.Region, Is.EqualTo("eu-west-1"));
        Assert.That(_host.Aws.RoleStsClients[1].Target.Region, Is.EqualTo("ap-south-1"));
    }

    [Test]
    public async Task A_role_profiles_mfa_serial_wins_over_its_sources()
    {
        await GetAsync("--profile", "otherdevice", "-t", "123456");
        await GetAsync("--profile", "prod", "-t", "654321");

        Assert.That(_host.Aws.StsRequests.Select(r => r.SerialNumber), Is.EqualTo(new[] { "arn:aws:iam::123456789012:mfa/alice-yubikey", TestHost.Serial }));
    }

    [Test]
    public async Task More_than_an_hour_assumes_the_first_role_straight_from_the_keys_with_a_code()
    {
        var result = await GetAsync("--profile", "long", "-t", "123456", "--verbose");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsCalls, Is.Zero, "no MFA session: AWS caps a role assumed with one at 1h");
        var (request, signedBy) = _host.Aws.RoleRequests.Single();
        Assert.That(request.DurationSeconds, Is.EqualTo(7200));
        Assert.That(request.SerialNumber, Is.EqualTo(TestHost.Serial));
        Assert.That(request.TokenCode, Is.EqualTo("123456"));
        Assert.That(signedBy, Is.EqualTo(TestHost.AccessKeyId));
        Assert.That(result.Stderr, Does.Contain("awsmfa: role profile 'long' asks for 2h00m, longer than the 1h a chained role may last: a code is needed to assume it straight from the long-term key\n"));
    }

    [Test]
    public async Task A_chained_role_asked_for_more_than_an_hour_is_refused_before_any_call()
    {
        var result = await GetAsync("--profile", "longdeep", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("lasts at most 1h"));
        Assert.That(_host.Aws.RoleRequests.Where(r => r.Request.RoleArn == Deeper), Is.Empty);
    }

    [Test]
    public async Task Duration_option_applies_to_the_role_and_is_checked_against_roles_limits()
    {
        var tooLong = await GetAsync("--profile", "prod", "-t", "123456", "--duration", "13h");
        var chained = await GetAsync("--profile", "prod", "-t", "123456", "--duration", "2h");

        Assert.That(tooLong.ExitCode, Is.EqualTo(2), tooLong.ToString());
        Assert.That(tooLong.Stderr, Does.Contain("from 900 (15m) to 43200 (12h)"));
        Assert.That(chained.ExitCode, Is.Zero, chained.ToString());
        Assert.That(_host.Aws.RoleRequests.Last().Request.DurationSeconds, Is.EqualTo(7200));
        Assert.That(_host.Aws.RoleRequests.Last().Request.TokenCode, Is.EqualTo("123456"), "2h: straight from the keys");
    }

    [Test]
    public async Task Duration_is_refused_or_accepted_the_same_whether_the_cache_holds_an_answer_or_not()
    {
        var seed = await GetAsync("--profile", "deep", "-t", "123456");

        var hit = await GetAsync("--profile", "deep", "--duration", "2h");
        var refresh = await GetAsync("--profile", "deep", "--duration", "2h", "--refresh");
        var shorter = await GetAsync("--profile", "deep", "--duration", "45m");
        _host.Clock.Advance(TimeSpan.FromMinutes(30));
        var asked = await GetAsync("--profile", "deep", "--duration", "45m");

        Assert.That(seed.ExitCode, Is.Zero, seed.ToString());
        Assert.That(hit.ExitCode, Is.EqualTo(2), hit.ToString());
        Assert.That(refresh.ExitCode, Is.EqualTo(2), refresh.ToString());
        Assert.That(hit.Stderr, Is.EqualTo(refresh.Stderr));
        Assert.That(hit.Stderr, Does.Contain("role profile 'deep' asks for 2h00m, but a role assumed with another role's credentials lasts at most 1h"));
        Assert.That(shorter.ExitCode, Is.Zero, shorter.ToString());
        Assert.That(shorter.Stderr, Does.Not.Contain("less than the"), "the cached hour covers the 45m asked");
        Assert.That(asked.ExitCode, Is.Zero, asked.ToString());
        Assert.That(asked.Stderr, Does.Contain("the cached credentials have 30m left, less than the 45m --duration asked for; --refresh gets new ones"));
    }

    [TestCase("loopa", "source_profile loop: loopa -> loopb -> loopa")]
    [TestCase("orphan", "profile 'orphan' names source_profile 'nowhere', which was not found")]
    public async Task Broken_chains_are_usage_errors_that_name_the_profiles(string profile, string message)
    {
        var result = await GetAsync("--profile", profile, "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(_host.Aws.StsCalls + _host.Aws.RoleCalls, Is.Zero);
    }

    [Test]
    public async Task Access_denied_on_assume_role_is_exit_3_naming_the_role_and_keeps_the_mfa_session()
    {
        _host.Aws.RespondToAssumeRoleWith(StsErrors.RoleAccessDenied());

        var result = await GetAsync("--profile", "prod", "-t", "123456");
        var root = await GetAsync("--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"STS refused to let you assume {Admin} (AccessDenied)").And.Contain("the MFA session stays cached"));
        Assert.That(root.Stderr, Does.Contain("from the cache"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task The_chaining_limit_from_aws_is_exit_2_in_one_line()
    {
        _host.Aws.RespondToAssumeRoleWith(StsErrors.ChainingTooLong());

        var result = await GetAsync("--profile", "prod", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo($"awsmfa: STS refused the session length of {Admin}: a role assumed with another role's credentials lasts at most 1h (role chaining); ask for 1h or less\n"));
    }

    [Test]
    public async Task Invalid_client_token_on_a_hop_is_exit_3()
    {
        _host.Aws.RespondToAssumeRoleWith(StsErrors.InvalidClientTokenId());

        var result = await GetAsync("--profile", "prod", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Stderr, Does.Contain("InvalidClientTokenId"));
    }

    [Test]
    public async Task Role_arn_option_assumes_a_role_on_top_of_the_profile()
    {
        var result = await GetAsync("--profile", "base", "-t", "123456", "--role-arn", ReadOnly, "--external-id", "abc123", "--role-session-name", "ci-job-7");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var request = _host.Aws.RoleRequests.Single().Request;
        Assert.That((request.RoleArn, request.ExternalId, request.RoleSessionName), Is.EqualTo((ReadOnly, "abc123", "ci-job-7")));
    }

    [Test]
    public async Task Role_arn_option_goes_on_top_of_a_role_profile()
    {
        var result = await GetAsync("--profile", "prod", "-t", "123456", "--role-arn", ReadOnly);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.RoleRequests.Select(r => r.Request.RoleArn), Is.EqualTo(new[] { Admin, ReadOnly }));
    }

    [TestCase("--external-id", "abc123")]
    [TestCase("--role-session-name", "me")]
    public async Task Role_options_without_role_arn_are_usage_errors(string option, string value)
    {
        var result = await GetAsync("--profile", "base", "-t", "123456", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
    }

    [Test]
    public async Task A_bad_role_arn_is_refused_before_any_call()
    {
        var result = await GetAsync("--profile", "base", "-t", "123456", "--role-arn", "arn:aws:iam::1:role/x");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("--role-arn is not valid"));
    }

    [Test]
    public async Task Session_list_shows_role_credentials_and_clear_removes_one_profiles_own()
    {
        await GetAsync("--profile", "prod", "-t", "123456");
        await GetAsync("--profile", "readonly");

        var table = await _host.RunAsync("session", "list");
        var json = await _host.RunAsync("session", "list", "-o", "json");
        var clear = await _host.RunAsync("session", "clear", "--profile", "prod");
        var after = await _host.RunAsync("session", "list", "-o", "json");

        Assert.That(table.Stdout, Does.StartWith("PROFILE   TYPE     ROOT  ROLE").And.Contain(Admin).And.Contain(ReadOnly));
        Assert.That(table.Stdout, Does.Not.Contain("RoleSecretPart").And.Not.Contain("RoleTokenPart"));
        var rows = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.That(rows.Select(r => r.GetProperty("Type").GetString()), Is.EquivalentTo(new[] { "sts.GetSessionToken", "sts.AssumeRole", "sts.AssumeRole" }));
        Assert.That(clear.Stderr, Does.Contain("removed 1 cached session of profile 'prod'"));
        Assert.That(JsonDocument.Parse(after.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("Profile").GetString()), Is.EquivalentTo(new[] { "base", "readonly" }));
    }

    [Test]
    public async Task Completion_offers_role_profiles()
    {
        var line = "awsmfa session get --profile ";
        var result = await _host.RunAsync($"[suggest:{line.Length}]", line);

        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Does.Contain("prod").And.Contain("deep").And.Contain("base"));
    }
}
