using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// <c>awsmfa sso login | logout</c> through the built tool against the strict stand-in Identity
/// Center: the browser sign-in with PKCE (a <c>BROWSER</c> script follows the redirect to
/// awsmfa's loopback listener), the device code, the token written where the AWS CLI keeps it,
/// and the portal's Logout.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed class SsoLoginTests
{
    private const string StartUrl = "https://corp.awsapps.com/start";
    private ToolProcess _tool = null!;
    private FakeIdentityCenter _center = null!;

#pragma warning disable CA5350 // The AWS CLI names its token files by SHA-1.
    private string TokenPath(string key) => Path.Combine(_tool.Home, ".aws", "sso", "cache", Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(key))) + ".json");
#pragma warning restore CA5350

    [SetUp]
    public void SetUp()
    {
        _tool = new ToolProcess();
        _center = new FakeIdentityCenter { AccessToken = "none-yet" };
        File.WriteAllText(Path.Combine(_tool.AwsFolder, "config"), $"""
            [profile dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Admin

            [profile dev-eu]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Admin
            region = eu-west-1

            [profile legacy]
            sso_start_url = {StartUrl}
            sso_region = eu-west-1
            sso_account_id = 123456789012
            sso_role_name = Admin

            [sso-session corp]
            sso_start_url = {StartUrl}
            sso_region = eu-west-1
            sso_registration_scopes = sso:account:access

            [sso-session plain]
            sso_start_url = {StartUrl}
            sso_region = eu-west-1
            """);
        _tool.Environment["AWS_ENDPOINT_URL_SSO"] = _center.Url;
        _tool.Environment["AWS_ENDPOINT_URL_SSO_OIDC"] = _center.Url;
        // The browser: follows the sign-in URL and its redirect to awsmfa's loopback callback.
        LoopbackStandIn.FollowingBrowser(_tool);
    }

    [TearDown]
    public void TearDown()
    {
        _center.Dispose();
        _tool.Dispose();
    }

    [Test]
    public async Task The_browser_sign_in_with_pkce_leaves_a_refreshable_token_every_sso_profile_uses()
    {
        var login = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");

        Assert.That(login.ExitCode, Is.Zero, login.ToString() + string.Join("\n", _center.Refused));
        Assert.That(_center.Refused, Is.Empty);
        var registration = _center.Registrations.Single();
        Assert.That(registration["grantTypes"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EquivalentTo(new[] { "authorization_code", "refresh_token" }));
        Assert.That(registration["redirectUris"]!.AsArray().Select(u => u!.GetValue<string>()), Is.EqualTo(new[] { "http://127.0.0.1/oauth/callback" }), "RFC 8252: registered without the port each sign-in picks");
        Assert.That(registration["scopes"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { "sso:account:access" }));
        var token = JsonNode.Parse(File.ReadAllText(TokenPath("corp")))!;
        Assert.That(token["accessToken"]!.GetValue<string>(), Is.EqualTo(_center.AccessToken));
        Assert.That(token["refreshToken"]!.GetValue<string>(), Is.EqualTo(_center.RefreshToken));
        Assert.That(token["clientId"]!.GetValue<string>(), Is.EqualTo("registered-client-1"));
        Assert.That(token["startUrl"]!.GetValue<string>(), Is.EqualTo(StartUrl));
        Assert.That(File.GetUnixFileMode(TokenPath("corp")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(login.Stderr, Does.Not.Contain(_center.AccessToken));

        var served = await _tool.RunAsync(null, "session", "get", "--profile", "dev", "-o", "json");
        Assert.That(served.ExitCode, Is.Zero, served.ToString());
        Assert.That(JsonDocument.Parse(served.Stdout).RootElement.GetProperty("AccessKeyId").GetString(), Does.StartWith("ASIASSOROLE"));
    }

    [Test]
    public async Task The_device_code_is_shown_and_polled_until_confirmed_and_a_legacy_profile_gets_no_refresh_token()
    {
        var device = await _tool.RunAsync(null, "sso", "login", "--profile", "dev", "--use-device-code", "--no-browser");
        var legacy = await _tool.RunAsync(null, "sso", "login", "--profile", "legacy", "--no-browser");

        Assert.That(device.ExitCode, Is.Zero, device.ToString() + string.Join("\n", _center.Refused));
        Assert.That(device.Stderr, Does.Contain($"open {_center.Url}/device in a browser on any device and confirm the code ABCD-EFGH"));
        Assert.That(JsonNode.Parse(File.ReadAllText(TokenPath("corp")))!["refreshToken"], Is.Not.Null);
        Assert.That(legacy.ExitCode, Is.Zero, legacy.ToString());
        var legacyToken = JsonNode.Parse(File.ReadAllText(TokenPath(StartUrl)))!.AsObject();
        Assert.That(legacyToken.ContainsKey("refreshToken") || legacyToken.ContainsKey("clientSecret"), Is.False, "a legacy sign-in keeps no refresh token, as the AWS CLI");
    }

    [Test]
    public async Task Logout_ends_the_session_at_the_portal_and_forgets_the_token_and_the_roles()
    {
        Assert.That((await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp")).ExitCode, Is.Zero);
        Assert.That((await _tool.RunAsync(null, "session", "get", "--profile", "dev")).ExitCode, Is.Zero);

        var logout = await _tool.RunAsync(null, "sso", "logout", "--sso-session", "corp");
        // A browser could be opened here ($BROWSER): only the variable stops a new sign-in.
        _tool.Environment["AWSMFA_SSO_LOGIN"] = "never";
        var after = await _tool.RunAsync(null, "session", "get", "--profile", "dev");

        Assert.That(logout.ExitCode, Is.Zero, logout.ToString());
        Assert.That(_center.Logouts, Is.EqualTo(1));
        Assert.That(File.Exists(TokenPath("corp")), Is.False);
        Assert.That(after.ExitCode, Is.EqualTo(2), "the cached role went with the session");
        Assert.That(after.Stderr, Does.Contain("there is no IAM Identity Center session for profile 'dev'"));
    }

    [Test]
    public async Task Generate_makes_a_profile_for_every_account_and_role_and_write_adds_only_the_missing_ones()
    {
        Assert.That((await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp")).ExitCode, Is.Zero);
        File.AppendAllText(Path.Combine(_tool.AwsFolder, "config"), "\n[profile prod-account-admin]\nregion = us-east-1\n\n[profile mine]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = Admin\n");
        var config = File.ReadAllText(Path.Combine(_tool.AwsFolder, "config"));

        var printed = await _tool.RunAsync(null, "sso", "generate", "--sso-session", "corp", "--region", "eu-west-1");

        Assert.That(printed.ExitCode, Is.Zero, printed.ToString());
        Assert.That(printed.Stdout, Is.EqualTo("""
            # Prod Account (111111111111)
            [profile prod-account-admin-2]
            sso_session = corp
            sso_account_id = 111111111111
            sso_role_name = Admin
            region = eu-west-1

            # Prod Account (111111111111)
            [profile prod-account-readonly]
            sso_session = corp
            sso_account_id = 111111111111
            sso_role_name = ReadOnly
            region = eu-west-1

            """.Replace("\r\n", "\n", StringComparison.Ordinal)), "every page read; dev/sandbox's Admin already has 'mine'; a taken name gets -2");
        Assert.That(File.ReadAllText(Path.Combine(_tool.AwsFolder, "config")), Is.EqualTo(config), "printing writes nothing");

        var written = await _tool.RunAsync(null, "sso", "generate", "--sso-session", "corp", "--write");
        var again = await _tool.RunAsync(null, "sso", "generate", "--sso-session", "corp", "--write");

        Assert.That(written.ExitCode, Is.Zero, written.ToString());
        var after = File.ReadAllText(Path.Combine(_tool.AwsFolder, "config"));
        Assert.That(after, Does.StartWith(config), "no existing line changed");
        Assert.That(after, Does.Contain("[profile prod-account-readonly]"));
        Assert.That(again.Stderr, Does.Contain("has a profile already; nothing was written"));
        var served = await _tool.RunAsync(null, "session", "get", "--profile", "prod-account-readonly", "-o", "json");
        Assert.That(served.ExitCode, Is.EqualTo(3), "the stand-in assigns only 123456789012/Admin: the profile reaches the portal and is refused there");
    }

    [Test]
    public async Task Eight_commands_whose_session_ended_open_one_browser_and_all_succeed()
    {
        var token = TokenPath("corp");
        _center.WriteTokenFile(token, StartUrl, DateTimeOffset.UtcNow.AddMinutes(-5), refreshable: false);

        // Two profiles of the session: two cache entries, one token file to sign in for.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _tool.RunAsync(null, "session", "get", "--profile", i % 2 == 0 ? "dev" : "dev-eu", "-o", "json")));

        Assert.That(results.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", results.Select(r => r.Stderr)) + string.Join("\n", _center.Refused));
        Assert.That(_center.Authorizations, Is.EqualTo(1), "one sign-in (one browser) for all of them");
        Assert.That(_center.Registrations, Has.Count.EqualTo(1));
        Assert.That(results.Count(r => r.Stderr.Contains("signing in again in your browser", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(JsonNode.Parse(File.ReadAllText(token))!["refreshToken"], Is.Not.Null, "the new token refreshes itself");
    }

    [Test]
    public async Task With_sso_login_never_an_ended_session_is_the_line_naming_sso_login()
    {
        var token = TokenPath("corp");
        _center.WriteTokenFile(token, StartUrl, DateTimeOffset.UtcNow.AddMinutes(-5), refreshable: false);
        _tool.Environment["AWSMFA_SSO_LOGIN"] = "never";

        var result = await _tool.RunAsync(null, "session", "get", "--profile", "dev");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: the IAM Identity Center session of profile 'dev' has expired and cannot be refreshed: run awsmfa sso login --sso-session corp\n"));
        Assert.That(_center.Registrations, Is.Empty);
    }

    [Test]
    public async Task A_sign_in_reuses_the_client_registration_cached_where_and_as_the_aws_cli_caches_it()
    {
        var first = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");
        var second = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(second.ExitCode, Is.Zero, second.ToString() + string.Join("\n", _center.Refused));
        Assert.That(_center.Authorizations, Is.EqualTo(2));
        Assert.That(_center.Registrations, Has.Count.EqualTo(1), "the second sign-in used the cached client");
        var path = await RegistrationPathAsync("corp", ["sso:account:access"]);
        var cached = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.That(cached["clientId"]!.GetValue<string>(), Is.EqualTo("registered-client-1"));
        Assert.That(cached["clientSecret"]!.GetValue<string>(), Is.EqualTo("registered-secret-1"));
        Assert.That(cached["expiresAt"]!.GetValue<string>(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        Assert.That(cached["grantTypes"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { "authorization_code", "refresh_token" }));
        Assert.That(cached["scopes"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { "sso:account:access" }));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(first.Stderr + second.Stderr, Does.Not.Contain("registered-secret"));

        // The device code flow takes a client of its own, under the same key (as the AWS CLI), reused as well.
        var device = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp", "--use-device-code", "--no-browser");
        var deviceAgain = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp", "--use-device-code", "--no-browser");
        var legacy = await _tool.RunAsync(null, "sso", "login", "--profile", "legacy", "--no-browser");

        Assert.That(new[] { device, deviceAgain, legacy }.Select(r => r.ExitCode), Is.All.Zero, device.ToString() + deviceAgain + legacy);
        Assert.That(_center.Registrations, Has.Count.EqualTo(3), "one device code client for the session, one for the legacy start URL");
        Assert.That(JsonNode.Parse(File.ReadAllText(path))!.AsObject().ContainsKey("grantTypes"), Is.False);
        Assert.That(File.Exists(await RegistrationPathAsync(null, null)), Is.True, "a legacy registration: no session name, no scopes");
    }

    [Test]
    public async Task A_registration_the_aws_cli_cached_is_used_unless_it_lacks_the_scope_that_gives_a_refresh_token()
    {
        var (id, secret) = _center.RegisterElsewhere(forBrowser: true, ["sso:account:access"]);
        await WriteAwsCliRegistrationAsync("corp", ["sso:account:access"], id, secret, forBrowser: true);

        var login = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");

        Assert.That(login.ExitCode, Is.Zero, login.ToString() + string.Join("\n", _center.Refused));
        Assert.That(_center.Registrations, Has.Count.EqualTo(1), "only the AWS CLI's own registration");
        Assert.That(JsonNode.Parse(File.ReadAllText(TokenPath("corp")))!["clientId"]!.GetValue<string>(), Is.EqualTo(id));

        // aws sso login --use-device-code for a session that names no scopes registers with none:
        // its tokens would never refresh, so awsmfa registers its own.
        var (plainId, plainSecret) = _center.RegisterElsewhere(forBrowser: false, scopes: null);
        await WriteAwsCliRegistrationAsync("plain", null, plainId, plainSecret, forBrowser: false);

        var device = await _tool.RunAsync(null, "sso", "login", "--sso-session", "plain", "--use-device-code", "--no-browser");

        Assert.That(device.ExitCode, Is.Zero, device.ToString() + string.Join("\n", _center.Refused));
        Assert.That(_center.Registrations, Has.Count.EqualTo(3));
        var token = JsonNode.Parse(File.ReadAllText(TokenPath("plain")))!;
        Assert.That(token["clientId"]!.GetValue<string>(), Is.EqualTo("registered-client-3"));
        Assert.That(token["refreshToken"], Is.Not.Null, "the session refreshes itself");
    }

    [Test]
    public async Task A_refused_client_is_forgotten_and_a_denied_sign_in_keeps_it()
    {
        var path = await RegistrationPathAsync("corp", ["sso:account:access"]);
        string? Cached() => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!["clientId"]!.GetValue<string>() : null;
        Assert.That((await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp")).ExitCode, Is.Zero);

        _center.RedirectError = "access_denied";
        var denied = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");
        var deniedKept = Cached();
        _center.RedirectError = "invalid_client";
        var refused = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");
        var refusedKept = Cached();
        _center.RedirectError = null;
        var again = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");

        Assert.That(denied.ExitCode, Is.EqualTo(2), denied.ToString());
        Assert.That(denied.Stderr, Does.EndWith("\nawsmfa: the sign-in did not complete (access_denied); nothing was written\n"));
        Assert.That(deniedKept, Is.EqualTo("registered-client-1"), "a person's no says nothing of the client");
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Stderr, Does.Contain("it is forgotten, so the next sign-in registers a new one").And.EndWith("(invalid_client); nothing was written\n"));
        Assert.That(refusedKept, Is.Null);
        Assert.That(again.ExitCode, Is.Zero, again.ToString() + string.Join("\n", _center.Refused));
        Assert.That(Cached(), Is.EqualTo("registered-client-2"));

        // A client the service does not know is never sent back to (RFC 6749 §4.1.2.1): the
        // person sees the error page and presses Ctrl-C; the next sign-in must not fail the same way.
        _center.Revoked.Add("registered-client-2");
        var requests = _center.AuthorizeRequests;
        using (var waiting = Process.Start(_tool.StartInfo(["sso", "login", "--sso-session", "corp"]))!)
        {
            waiting.StandardInput.Close();
            var stderr = waiting.StandardError.ReadToEndAsync();
            _ = waiting.StandardOutput.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (_center.AuthorizeRequests == requests)
            {
                Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the browser reached /authorize");
                await Task.Delay(50);
            }

            using (var kill = Process.Start("kill", ["-INT", waiting.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await waiting.WaitForExitAsync(timeout.Token);
            Assert.That(waiting.ExitCode, Is.EqualTo(130), await stderr);
        }

        Assert.That(Cached(), Is.Null, "the refused client is forgotten");
        var afterInterrupt = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");
        Assert.That(afterInterrupt.ExitCode, Is.Zero, afterInterrupt.ToString());
        Assert.That(Cached(), Is.EqualTo("registered-client-3"));

        // With the device code the refusal comes from the service itself: registered anew at once.
        Assert.That((await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp", "--use-device-code", "--no-browser")).ExitCode, Is.Zero);
        _center.Revoked.Add("registered-client-4");
        var device = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp", "--use-device-code", "--no-browser");

        Assert.That(device.ExitCode, Is.Zero, device.ToString());
        Assert.That(_center.Registrations, Has.Count.EqualTo(5));
        Assert.That(JsonNode.Parse(File.ReadAllText(TokenPath("corp")))!["clientId"]!.GetValue<string>(), Is.EqualTo("registered-client-5"));
    }

    [Test]
    public async Task Botocore_refreshes_the_token_awsmfa_signed_in_for_and_awsmfa_uses_the_one_botocore_wrote()
    {
        // Ten minutes: inside botocore's fifteen-minute refresh window from the start.
        _center.TokenLifetime = 600;
        var login = await _tool.RunAsync(null, "sso", "login", "--sso-session", "corp");
        Assert.That(login.ExitCode, Is.Zero, login.ToString());
        _center.TokenLifetime = 28800;
        var signedIn = _center.AccessToken;

        var script = """
            import botocore.session
            from botocore.tokens import SSOTokenProvider
            print(SSOTokenProvider(botocore.session.Session(profile="dev")).load_token().get_frozen_token().token)
            """;
        var botocore = await Botocore.RunAsync(script, [], new Dictionary<string, string>
        {
            ["HOME"] = _tool.Home,
            ["AWS_CONFIG_FILE"] = _tool.Environment["AWS_CONFIG_FILE"],
            ["AWS_SHARED_CREDENTIALS_FILE"] = _tool.Environment["AWS_SHARED_CREDENTIALS_FILE"],
            ["AWS_ENDPOINT_URL_SSO_OIDC"] = _center.Url,
        });

        Assert.That(botocore.ExitCode, Is.Zero, botocore.ToString() + string.Join("\n", _center.Refused));
        Assert.That(_center.Refreshes, Is.EqualTo(1), "botocore refreshed with the client and refresh token awsmfa wrote");
        Assert.That(botocore.Stdout.Trim(), Is.EqualTo(_center.AccessToken).And.Not.EqualTo(signedIn));
        var token = JsonNode.Parse(File.ReadAllText(TokenPath("corp")))!;
        Assert.That(token["accessToken"]!.GetValue<string>(), Is.EqualTo(_center.AccessToken), "botocore wrote the refreshed token back");
        Assert.That(token["refreshToken"]!.GetValue<string>(), Is.EqualTo(_center.RefreshToken));

        var served = await _tool.RunAsync(null, "session", "get", "--profile", "dev", "-o", "json");

        Assert.That(served.ExitCode, Is.Zero, served.ToString() + string.Join("\n", _center.Refused));
        Assert.That(_center.Refreshes, Is.EqualTo(1), "awsmfa took botocore's token as it was");
        Assert.That(_center.Refused, Is.Empty, "the portal took botocore's access token");
    }

    /// <summary>
    /// The AWS CLI v2's registration cache key, <c>BaseSSOTokenFetcher._registration_cache_key</c>,
    /// computed by Python. A copy of its three lines: the botocore installed here (the AWS CLI v1's)
    /// has no SSOTokenFetcher; the unit tests pin the names it gives.
    /// </summary>
    private const string RegistrationKey = """
        import hashlib, json
        def key(start_url, session_name, scopes):
            args = {"tool": "botocore", "startUrl": start_url, "region": "eu-west-1", "scopes": scopes, "session_name": session_name}
            return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()
        """;

    private async Task<string> RegistrationPathAsync(string? session, string[]? scopes)
    {
        var script = RegistrationKey + "\n" + """
            import sys
            print(key(sys.argv[1], json.loads(sys.argv[3]), json.loads(sys.argv[2])))
            """;
        var key = await Botocore.RunAsync(script, [StartUrl, JsonSerializer.Serialize(scopes), JsonSerializer.Serialize(session)]);
        Assert.That(key.ExitCode, Is.Zero, key.ToString());
        return Path.Combine(_tool.AwsFolder, "sso", "cache", key.Stdout.Trim() + ".json");
    }

    /// <summary>A registration as the AWS CLI v2 caches it: botocore's JSONFileCache with the AWS CLI's JSON (_sso_json_dumps); grantTypes only for the browser sign-in.</summary>
    private async Task WriteAwsCliRegistrationAsync(string session, string[]? scopes, string id, string secret, bool forBrowser)
    {
        var script = RegistrationKey + "\n" + """
            import datetime, sys
            from botocore.utils import JSONFileCache
            from botocore.tokens import _sso_json_dumps
            scopes = json.loads(sys.argv[3])
            registration = {"clientId": sys.argv[4], "clientSecret": sys.argv[5], "expiresAt": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=80)}
            if scopes:
                registration["scopes"] = scopes
            if sys.argv[6] == "browser":
                registration["grantTypes"] = ["authorization_code", "refresh_token"]
            JSONFileCache(sys.argv[1], dumps_func=_sso_json_dumps)[key(sys.argv[7], sys.argv[2], scopes)] = registration
            """;
        var written = await Botocore.RunAsync(
            script, [Path.Combine(_tool.AwsFolder, "sso", "cache"), session, JsonSerializer.Serialize(scopes), id, secret, forBrowser ? "browser" : "device", StartUrl]);
        Assert.That(written.ExitCode, Is.Zero, written.ToString());
    }
}
