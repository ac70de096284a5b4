using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// <c>awsmfa console</c> through the built tool, against a fake STS and a fake federation endpoint
/// that takes role and federation credentials and refuses an MFA session's, as AWS does.
/// </summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: the stand-in browser is a shell script")]
public sealed class ConsoleTests : FakeAwsToolTest
{
    private const string Token = "FAKE-SIGNIN-TOKEN-0123456789";

    [SetUp]
    public void Profiles()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), """

            [profile admin]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = base
            region = eu-west-1
            """);
        Tool.Environment["AWSMFA_SIGNIN_ENDPOINT"] = Aws.Url + "/federation";
        Tool.Environment.Remove("BROWSER");
    }

    private Task<CliResult> ConsoleAsync(params string[] args) =>
        Tool.RunAsync(null, ["console", "--endpoint-url", Aws.Url, .. args]);

    private static Dictionary<string, string> Query(string url) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(url.Trim()).Query) is var q ? q.AllKeys.ToDictionary(k => k!, k => q[k]!) : [];

    [Test]
    public async Task A_role_profile_opens_from_the_cached_mfa_session_without_a_new_code()
    {
        var seed = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");

        var result = await ConsoleAsync("--profile", "admin", "--stdout", "--verbose");

        Assert.That(seed.ExitCode, Is.Zero, seed.ToString());
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var url = result.Stdout.Trim();
        Assert.That(url, Does.StartWith(Aws.Url + "/federation?Action=login&Issuer=awsmfa&Destination="));
        var query = Query(url);
        Assert.That(query["SigninToken"], Is.EqualTo(Token));
        Assert.That(query["Destination"], Is.EqualTo("https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"));
        Assert.That(Aws.SignIns.Single().SessionId, Does.StartWith("ASIAFAKEROLE"), "the role's credentials, not the MFA session's");
        Assert.That(Aws.Calls.Count(c => c.Action == "GetSessionToken"), Is.EqualTo(1), "no new code");
        Assert.That(result.Stderr, Does.Not.Contain(Token), "the token never reaches stderr, --verbose included");
    }

    [TestCase(new[] { "--service", "ec2", "--region", "us-west-2" }, "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2")]
    [TestCase(new[] { "--path", "/s3/buckets" }, "https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1")]
    public async Task Service_path_and_region_choose_the_destination(string[] args, string destination)
    {
        var result = await ConsoleAsync(["--profile", "admin", "-t", "123456", "--stdout", .. args]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Query(result.Stdout)["Destination"], Is.EqualTo(destination));
    }

    [Test]
    public async Task The_browser_in_BROWSER_receives_the_url_and_stdout_stays_empty()
    {
        var got = Path.Combine(Tool.Home, "browser-got");
        var browser = Path.Combine(Tool.Home, "browser");
        File.WriteAllText(browser, $"#!/bin/sh\nprintf '%s' \"$1\" > '{got}'\n");
        File.SetUnixFileMode(browser, (UnixFileMode)Convert.ToInt32("700", 8));
        Tool.Environment["BROWSER"] = browser;

        var result = await ConsoleAsync("--profile", "admin", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(result.Stderr, Does.Contain("opened the AWS console (eu-west-1.console.aws.amazon.com/console/home) as role arn:aws:iam::210987654321:role/admin in your browser"));
        Assert.That(Query(File.ReadAllText(got))["SigninToken"], Is.EqualTo(Token));
        Assert.That(result.Stderr, Does.Not.Contain(Token));
    }

    [Test]
    public async Task An_opener_planted_in_the_current_folder_never_runs_and_the_browser_never_sees_the_code()
    {
        // PATH with an empty entry (the current folder, to a shell) and an xdg-open planted there.
        var folder = Directory.CreateDirectory(Path.Combine(Tool.Home, "checkout")).FullName;
        var planted = Path.Combine(Tool.Home, "planted-ran");
        File.WriteAllText(Path.Combine(folder, "xdg-open"), $"#!/bin/sh\ntouch '{planted}'\n");
        File.SetUnixFileMode(Path.Combine(folder, "xdg-open"), (UnixFileMode)Convert.ToInt32("700", 8));
        Tool.WorkingDirectory = folder;
        Tool.Environment["PATH"] = ":/usr/bin:/bin";
        Tool.Environment["DISPLAY"] = ":99";
        var opened = await ConsoleAsync("--profile", "admin", "-t", "123456");

        var seen = Path.Combine(Tool.Home, "browser-env");
        var browser = Path.Combine(Tool.Home, "browser");
        File.WriteAllText(browser, $"#!/bin/sh\nenv > '{seen}'\n");
        File.SetUnixFileMode(browser, (UnixFileMode)Convert.ToInt32("700", 8));
        Tool.Environment["BROWSER"] = browser;
        Tool.Environment["AWSMFA_TOKEN_CODE"] = "654321";
        var withCode = await ConsoleAsync("--profile", "admin", "--refresh");

        Assert.That(opened.ExitCode, Is.Zero, opened.ToString());
        Assert.That(File.Exists(planted), Is.False, "./xdg-open ran");
        Assert.That(opened.Stderr, Does.Contain("no browser could be started"));
        Assert.That(withCode.ExitCode, Is.Zero, withCode.ToString());
        Assert.That(File.ReadAllText(seen), Does.Not.Contain("AWSMFA_TOKEN_CODE"));
    }

    [Test]
    public async Task A_web_identity_profile_signs_in_as_its_role_without_keys_or_a_code()
    {
        var token = Path.Combine(Tool.Home, "oidc-token");
        File.WriteAllText(token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln");
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"\n[profile ci]\nrole_arn = arn:aws:iam::210987654321:role/deploy\nweb_identity_token_file = {token}\nregion = eu-west-1\n");

        var result = await ConsoleAsync("--profile", "ci", "--stdout");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Aws.SignIns.Single().SessionId, Does.StartWith("ASIAFAKEWEBID"), "the web identity role's credentials");
        Assert.That(Aws.Calls.Select(c => c.Action), Is.EqualTo(new[] { "AssumeRoleWithWebIdentity" }), "no federation token, no code");
        Assert.That(result.Stderr, Does.Not.Contain("federation session"));
    }

    [Test]
    public async Task Without_a_browser_the_url_is_printed_with_a_note()
    {
        Tool.Environment["BROWSER"] = Path.Combine(Tool.Home, "no-such-browser");

        var result = await ConsoleAsync("--profile", "admin", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Query(result.Stdout)["SigninToken"], Is.EqualTo(Token));
        Assert.That(result.Stderr, Does.Contain("no browser could be started ($BROWSER, xdg-open): the sign-in URL"));
    }

    [Test]
    public async Task A_plain_iam_user_gets_a_federation_session_named_after_the_user_and_a_warning()
    {
        var result = await ConsoleAsync("--profile", "base", "--stdout");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("the console gets a federation session, which carries no MFA"));
        var federation = Aws.Calls.Single(c => c.Action == "GetFederationToken");
        Assert.That(federation.SignedBy, Is.EqualTo(ToolProcess.AccessKeyId), "the long-term keys");
        Assert.That(federation.FederatedName, Is.EqualTo("alice"), "the IAM user's name, from GetCallerIdentity");
        Assert.That(Aws.Calls.Any(c => c.Action == "GetSessionToken"), Is.False, "no code: GetFederationToken has no MFA");
        Assert.That(Aws.SignIns.Single().SessionId, Does.StartWith("ASIAFEDERATED"));
        Assert.That(Aws.SignIns.Single().SessionDuration, Is.Null, "the endpoint refuses SessionDuration with federation credentials");
        Assert.That(Query(result.Stdout)["Destination"], Is.EqualTo("https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"));
    }

    [Test]
    public async Task The_endpoint_refusing_is_exit_1_in_one_line()
    {
        Aws.RefuseSignIn = true;

        var result = await ConsoleAsync("--profile", "admin", "-t", "123456", "--stdout");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr.Trim().Split('\n')[^1], Is.EqualTo("awsmfa: the sign-in endpoint 127.0.0.1 refused the credentials (HTTP 400): it takes role or federation credentials, within their lifetime"));
        Assert.That(result.Stdout, Is.Empty);
    }

    [Test]
    public async Task Service_and_path_together_are_a_usage_error()
    {
        var result = await ConsoleAsync("--profile", "admin", "--service", "ec2", "--path", "/s3");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: --service and --path do not go together: name a service, or a path\n"));
    }

    [Test]
    public async Task A_plain_http_sign_in_endpoint_off_this_machine_is_refused()
    {
        Tool.Environment["AWSMFA_SIGNIN_ENDPOINT"] = "http://signin.example.com/federation";

        var result = await ConsoleAsync("--profile", "admin", "-t", "123456", "--stdout");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("AWSMFA_SIGNIN_ENDPOINT must be an https:// URL (http:// only to a loopback address)"));
        Assert.That(Aws.Calls, Is.Empty, "refused before a code is spent or a call made");
    }

    [Test]
    public async Task A_plain_iam_user_without_an_mfa_device_opens_it_too()
    {
        // GetFederationToken takes no MFA: a user whose profile names no device is not refused.
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "credentials"), $"[nomfa]\naws_access_key_id = {ToolProcess.AccessKeyId}\naws_secret_access_key = {ToolProcess.SecretAccessKey}\n");

        var result = await ConsoleAsync("--profile", "nomfa", "--region", "us-east-1", "--stdout");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Aws.Calls.Single(c => c.Action == "GetFederationToken").SignedBy, Is.EqualTo(ToolProcess.AccessKeyId));
        Assert.That(Query(result.Stdout)["SigninToken"], Is.EqualTo(Token));
    }

    [Test]
    public async Task Session_credentials_in_the_profile_are_refused_saying_why()
    {
        // GetFederationToken, as GetSessionToken, takes an IAM user's long-term keys.
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "credentials"), "[temp]\naws_access_key_id = ASIATEMPORARYEXAMPLE\naws_secret_access_key = x\naws_session_token = y\n");

        var result = await ConsoleAsync("--profile", "temp", "--region", "us-east-1", "--stdout");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: profile 'temp' holds session credentials (aws_session_token), which cannot call GetFederationToken; name the profile with the IAM user's long-term keys\n"));
        Assert.That(Aws.Calls, Is.Empty);
    }

    [Test]
    public async Task A_role_profile_without_an_mfa_device_is_still_asked_for_one()
    {
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "credentials"), $"[nomfa]\naws_access_key_id = {ToolProcess.AccessKeyId}\naws_secret_access_key = {ToolProcess.SecretAccessKey}\n");
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), "\n[profile nomfarole]\nrole_arn = arn:aws:iam::210987654321:role/admin\nsource_profile = nomfa\n");

        var result = await ConsoleAsync("--profile", "nomfarole", "-t", "123456", "--stdout");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no MFA device"));
        Assert.That(Aws.Calls, Is.Empty);
    }
}
