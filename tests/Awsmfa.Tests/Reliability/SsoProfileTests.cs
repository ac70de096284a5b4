using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// IAM Identity Center profiles through the built tool, with the token an <c>aws sso login</c>
/// left, against a strict stand-in Identity Center: the role's credentials from the portal,
/// cached; a token running out refreshed once for any number of runs and written back for the
/// AWS CLI; an ended session one line naming the login.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed class SsoProfileTests
{
    private const string StartUrl = "https://corp.awsapps.com/start";
    private ToolProcess _tool = null!;
    private FakeIdentityCenter _center = null!;

#pragma warning disable CA5350 // The AWS CLI names its token files by SHA-1.
    private string TokenPath => Path.Combine(_tool.Home, ".aws", "sso", "cache", Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("corp"))) + ".json");
#pragma warning restore CA5350

    [SetUp]
    public void SetUp()
    {
        _tool = new ToolProcess();
        _center = new FakeIdentityCenter();
        File.WriteAllText(Path.Combine(_tool.AwsFolder, "config"), $"""
            [profile dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Admin
            region = eu-west-1

            [profile dev-us]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Admin
            region = us-east-1

            [profile other-role]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Auditor

            [sso-session corp]
            sso_start_url = {StartUrl}
            sso_region = eu-west-1
            sso_registration_scopes = sso:account:access
            """);
        _tool.Environment["AWS_ENDPOINT_URL_SSO"] = _center.Url;
        _tool.Environment["AWS_ENDPOINT_URL_SSO_OIDC"] = _center.Url;
    }

    [TearDown]
    public void TearDown()
    {
        _center.Dispose();
        _tool.Dispose();
    }

    private void WriteToken(TimeSpan left, bool refreshable = true) => _center.WriteTokenFile(TokenPath, StartUrl, DateTimeOffset.UtcNow + left, refreshable);

    private Task<CliResult> GetAsync(string profile = "dev") => _tool.RunAsync(null, "session", "get", "--profile", profile, "-o", "json");

    [Test]
    public async Task The_roles_credentials_come_from_the_portal_with_the_token_and_are_cached()
    {
        WriteToken(TimeSpan.FromHours(4));

        var first = await GetAsync();
        var second = await GetAsync();

        Assert.That(first.ExitCode, Is.Zero, first.ToString() + string.Join("\n", _center.Refused));
        Assert.That(JsonDocument.Parse(first.Stdout).RootElement.GetProperty("AccessKeyId").GetString(), Does.StartWith("ASIASSOROLE"));
        Assert.That(second.Stdout, Is.EqualTo(first.Stdout), "the cached answer");
        Assert.That(_center.RoleRequests, Is.EqualTo(1));
        Assert.That(_center.Refreshes, Is.Zero);
    }

    [Test]
    public async Task A_token_running_out_is_refreshed_once_for_parallel_runs_and_written_back_as_the_aws_cli_keeps_it()
    {
        WriteToken(TimeSpan.FromMinutes(5));

        // Two profiles of one session: two cache entries, one token file.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => GetAsync(i % 2 == 0 ? "dev" : "dev-us")));

        Assert.That(results.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", results.Select(r => r.Stderr)) + string.Join("\n", _center.Refused));
        Assert.That(_center.Refreshes, Is.EqualTo(1));
        var token = JsonNode.Parse(File.ReadAllText(TokenPath))!;
        Assert.That(token["accessToken"]!.GetValue<string>(), Is.EqualTo(_center.AccessToken));
        Assert.That(token["refreshToken"]!.GetValue<string>(), Is.EqualTo(_center.RefreshToken));
        Assert.That(token["clientSecret"]!.GetValue<string>(), Is.EqualTo(FakeIdentityCenter.ClientSecret), "every other field kept");
        Assert.That(File.GetUnixFileMode(TokenPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(results.Select(r => r.Stderr), Has.All.Not.Contain(_center.AccessToken), "the token is never printed");
    }

    [Test]
    public async Task An_expired_token_that_cannot_be_refreshed_a_missing_one_and_a_role_not_assigned_are_one_line_each()
    {
        var missing = await GetAsync();
        WriteToken(TimeSpan.FromMinutes(-1), refreshable: false);
        var expired = await GetAsync();
        WriteToken(TimeSpan.FromHours(4));
        var forbidden = await GetAsync("other-role");

        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Stderr, Does.Contain("there is no IAM Identity Center session for profile 'dev'").And.Contain("run awsmfa sso login --sso-session corp"));
        Assert.That(expired.ExitCode, Is.EqualTo(2), expired.ToString());
        Assert.That(expired.Stderr, Does.Contain("has expired and cannot be refreshed: run awsmfa sso login --sso-session corp"));
        Assert.That(forbidden.ExitCode, Is.EqualTo(3), forbidden.ToString());
        Assert.That(forbidden.Stderr, Does.Contain("refused role Auditor in account 123456789012"));
        foreach (var result in new[] { missing, expired, forbidden })
        {
            Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain('\n'), result.Stderr);
        }
    }

    [Test]
    public async Task Botocore_reads_the_token_awsmfa_refreshed()
    {
        WriteToken(TimeSpan.FromMinutes(5));
        var result = await GetAsync();
        Assert.That(result.ExitCode, Is.Zero, result.ToString());

        var script = """
            import sys
            from botocore.utils import JSONFileCache, SSOTokenLoader
            print(SSOTokenLoader(JSONFileCache(sys.argv[1])).__call__(sys.argv[2], session_name="corp")["accessToken"])
            """;
        var botocore = await Botocore.RunAsync(script, [Path.GetDirectoryName(TokenPath)!, StartUrl]);

        Assert.That(botocore.ExitCode, Is.Zero, botocore.ToString());
        Assert.That(botocore.Stdout.Trim(), Is.EqualTo(_center.AccessToken));
    }

    [Test]
    public async Task Profile_list_and_doctor_describe_the_sso_profile()
    {
        WriteToken(TimeSpan.FromHours(4));

        var list = await _tool.RunAsync(null, "profile", "list", "-o", "json");
        var doctor = await _tool.RunAsync(null, "doctor", "--profile", "dev", "--endpoint-url", _center.Url);

        var row = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single(r => r.GetProperty("Profile").GetString() == "dev");
        Assert.That(row.GetProperty("Kind").GetString(), Is.EqualTo("sso"));
        Assert.That(row.GetProperty("Source").GetString(), Is.EqualTo("corp"));
        Assert.That(doctor.Stdout, Does.Contain("IAM Identity Center: role Admin in account 123456789012 through sso_session corp"));
        Assert.That(doctor.Stdout, Does.Contain("the IAM Identity Center token has"));
    }

    [Test]
    public async Task A_role_on_an_sso_profile_is_assumed_with_its_role_credentials_and_asks_a_code_only_when_it_names_mfa_serial()
    {
        WriteToken(TimeSpan.FromHours(4));
        using var sts = new FakeAwsServer();
        File.AppendAllText(Path.Combine(_tool.AwsFolder, "config"), $"""

            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/Deploy
            source_profile = dev

            [profile deploy-mfa]
            role_arn = arn:aws:iam::123456789012:role/Deploy
            source_profile = dev
            mfa_serial = {ToolProcess.Serial}
            """);
        _tool.Environment["AWS_ENDPOINT_URL_STS"] = sts.Url;

        var plain = await _tool.RunAsync(null, "session", "get", "--profile", "deploy", "-o", "json");
        var withCode = await _tool.RunAsync(null, "session", "get", "--profile", "deploy-mfa", "-t", "123456", "-o", "json");
        var withoutCode = await _tool.RunAsync(null, "session", "get", "--profile", "deploy-mfa", "--no-cache", "-o", "json");

        Assert.That(plain.ExitCode, Is.Zero, plain.ToString() + string.Join("\n", _center.Refused));
        Assert.That(withCode.ExitCode, Is.Zero, withCode.ToString());
        var calls = sts.Calls.Where(c => c.Action == "AssumeRole").ToList();
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(calls.Select(c => c.SignedBy), Has.All.StartWith("ASIASSOROLE"), "signed with the portal's role credentials");
        Assert.That(calls.Select(c => c.WithSessionToken), Has.All.True);
        Assert.That((calls[0].SerialNumber, calls[0].TokenCode), Is.EqualTo(((string?)null, (string?)null)), "no mfa_serial, no code");
        Assert.That((calls[1].SerialNumber, calls[1].TokenCode), Is.EqualTo((ToolProcess.Serial, "123456")));
        Assert.That(withoutCode.ExitCode, Is.EqualTo(2), "mfa_serial and no code, no terminal: " + withoutCode);
        Assert.That(withoutCode.Stderr, Does.StartWith("awsmfa: an MFA code is needed and there is no terminal to ask"), withoutCode.ToString());
    }

    [Test]
    public async Task A_profile_naming_a_missing_session_a_bad_account_or_no_role_is_one_line_with_exit_2()
    {
        WriteToken(TimeSpan.FromHours(4));
        File.AppendAllText(Path.Combine(_tool.AwsFolder, "config"), """

            [profile lost]
            sso_session = nowhere
            sso_account_id = 123456789012
            sso_role_name = Admin

            [profile short-account]
            sso_session = corp
            sso_account_id = 12345
            sso_role_name = Admin

            [profile no-role]
            sso_session = corp
            sso_account_id = 123456789012
            """);

        var lost = await GetAsync("lost");
        var shortAccount = await GetAsync("short-account");
        var noRole = await GetAsync("no-role");
        var unknownSession = await _tool.RunAsync(null, "sso", "login", "--sso-session", "nowhere", "--no-browser");

        Assert.That(lost.Stderr, Is.EqualTo($"awsmfa: profile 'lost' names sso_session nowhere, but {Path.Combine(_tool.AwsFolder, "config")} has no [sso-session nowhere] section\n"));
        Assert.That(shortAccount.Stderr, Is.EqualTo("awsmfa: sso_account_id in profile 'short-account' is not an account id (12 digits)\n"));
        Assert.That(noRole.Stderr, Is.EqualTo("awsmfa: profile 'no-role' (sso_session corp) has no sso_role_name: add it to the profile\n"));
        Assert.That(unknownSession.Stderr, Does.StartWith("awsmfa: [sso-session nowhere] in ").And.EndWith(" has no sso_region (is the section there?)\n"));
        Assert.That(new[] { lost, shortAccount, noRole, unknownSession }.Select(r => r.ExitCode), Is.All.EqualTo(2));
        Assert.That(_center.RoleRequests, Is.Zero);
    }

    [Test]
    public async Task Verbose_says_each_step_and_never_a_token_or_secret()
    {
        WriteToken(TimeSpan.FromMinutes(5));
        var before = (_center.AccessToken, _center.RefreshToken);

        var result = await _tool.RunAsync(null, "session", "get", "--profile", "dev", "--verbose", "-o", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("refreshing the IAM Identity Center token of sso_session corp").And.Contain("asking IAM Identity Center for role Admin in account 123456789012"));
        foreach (var secret in new[] { before.AccessToken, before.RefreshToken, _center.AccessToken, _center.RefreshToken, FakeIdentityCenter.ClientSecret, "SsoRoleSecret", "SsoRoleSessionToken" })
        {
            Assert.That(result.Stderr, Does.Not.Contain(secret));
        }
    }
}
