using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// <c>awsmfa login</c> and <c>logout</c> through the built tool against the strict stand-in
/// Sign-In: the browser is a script that follows the sign-in URL as a browser would (PKCE,
/// state and the DPoP-bound redemption all checked by the stand-in); the session it leaves is
/// served, refreshed and ended like one <c>aws login</c> left.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed partial class LoginCommandTests
{
    private ToolProcess _tool = null!;
    private FakeSignIn _signIn = null!;

    private string ConfigFile => Path.Combine(_tool.AwsFolder, "config");

    private string TokenPath => Path.Combine(_tool.Home, ".aws", "login", "cache", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_signIn.Session))) + ".json");

    [SetUp]
    public void SetUp()
    {
        _tool = new ToolProcess();
        _signIn = new FakeSignIn();
        File.WriteAllText(ConfigFile, "# mine\n[profile other]\nregion = us-east-1\n");
        _tool.Environment["AWS_ENDPOINT_URL_SIGNIN"] = _signIn.Url;
        // The browser: follows the sign-in URL and its redirect to awsmfa's loopback callback.
        LoopbackStandIn.FollowingBrowser(_tool);
    }

    [TearDown]
    public void TearDown()
    {
        _signIn.Dispose();
        _tool.Dispose();
    }

    [Test]
    public async Task Login_in_the_browser_leaves_a_session_the_profile_uses_and_the_aws_cli_can_read()
    {
        var login = await _tool.RunAsync(null, "login", "--profile", "console", "--region", "eu-west-1");

        Assert.That(login.ExitCode, Is.Zero, login.ToString() + string.Join("\n", _signIn.Refused));
        Assert.That(_signIn.Refused, Is.Empty);
        Assert.That(_signIn.CodesRedeemed, Is.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(_tool.Home, "browser.out")), Does.Contain("Signed in: you can close this tab"));
        Assert.That(File.ReadAllText(ConfigFile), Is.EqualTo($"# mine\n[profile other]\nregion = us-east-1\n\n[profile console]\nlogin_session = {_signIn.Session}\nregion = eu-west-1\n"));
        Assert.That(File.GetUnixFileMode(TokenPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var token = JsonNode.Parse(File.ReadAllText(TokenPath))!;
        Assert.That(token["clientId"]!.GetValue<string>(), Is.EqualTo(FakeSignIn.ClientId));
        Assert.That(token["accessToken"]!["accountId"]!.GetValue<string>(), Is.EqualTo("123456789012"));
        Assert.That(token["dpopKey"]!.GetValue<string>(), Does.StartWith("-----BEGIN EC PRIVATE KEY-----"));
        Assert.That(login.Stdout, Is.Empty);
        Assert.That(login.Stderr, Does.Not.Contain("SignedInSecret").And.Not.Contain("refresh-"));

        // The profile is served from the session, then refreshed with the key login made.
        var served = await _tool.RunAsync(null, "session", "get", "--profile", "console", "-o", "json");
        Assert.That(served.ExitCode, Is.Zero, served.ToString());
        Assert.That(JsonDocument.Parse(served.Stdout).RootElement.GetProperty("AccessKeyId").GetString(), Is.EqualTo("ASIALOGINSIGNIN00001"));
        var json = JsonNode.Parse(File.ReadAllText(TokenPath))!.AsObject();
        json["accessToken"]!["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(TokenPath, json.ToJsonString());
        var refreshed = await _tool.RunAsync(null, "session", "get", "--profile", "console", "-o", "json", "--refresh");
        Assert.That(refreshed.ExitCode, Is.Zero, refreshed.ToString() + string.Join("\n", _signIn.Refused));
        Assert.That(_signIn.Refreshes, Is.EqualTo(1));
    }

    [GeneratedRegex(@"(http://127\.0\.0\.1:\d+/v1/authorize\?\S+)")]
    private static partial Regex SignInUrl();

    [Test]
    [Platform(Include = "Linux,MacOsX", Reason = "script(1) gives awsmfa a terminal")]
    public async Task Remote_login_takes_the_verification_code_pasted_from_another_device()
    {
        using var terminal = new TerminalSession(_tool, $"{ToolProcess.ShellCommand} login --profile console --region eu-west-1 --remote");
        await terminal.ExpectAsync("Verification code: ");
        var url = SignInUrl().Match(terminal.Seen).Groups[1].Value;
        Assert.That(url, Is.Not.Empty, terminal.Seen);
        using var http = new HttpClient();
        var page = await http.GetStringAsync(url);
        var code = Regex.Match(page, "<code id=\"verification\">([^<]+)</code>").Groups[1].Value;
        await terminal.TypeAsync(code + "\n");
        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.Zero, terminal.Seen + string.Join("\n", _signIn.Refused));
        Assert.That(JsonNode.Parse(File.ReadAllText(TokenPath))!["clientId"]!.GetValue<string>(), Is.EqualTo(FakeSignIn.CrossDeviceClientId));
        Assert.That(File.ReadAllText(ConfigFile), Does.Contain($"login_session = {_signIn.Session}"));
    }

    [Test]
    public async Task Logout_removes_the_token_and_what_awsmfa_cached_from_it_and_the_profile_then_names_login()
    {
        var login = await _tool.RunAsync(null, "login", "--profile", "console", "--region", "eu-west-1");
        Assert.That(login.ExitCode, Is.Zero, login.ToString());
        var served = await _tool.RunAsync(null, "session", "get", "--profile", "console");
        Assert.That(served.ExitCode, Is.Zero, served.ToString());
        Assert.That(Directory.GetFiles(_tool.CacheFolder, "*.json"), Is.Not.Empty);

        var logout = await _tool.RunAsync(null, "logout", "--profile", "console");
        var after = await _tool.RunAsync(null, "session", "get", "--profile", "console");

        Assert.That(logout.ExitCode, Is.Zero, logout.ToString());
        Assert.That(File.Exists(TokenPath), Is.False);
        Assert.That(Directory.GetFiles(_tool.CacheFolder, "*.json"), Is.Empty);
        Assert.That(after.ExitCode, Is.EqualTo(2));
        Assert.That(after.Stderr, Does.Contain("does not exist: sign in with awsmfa login --profile console"));
        Assert.That(File.ReadAllText(ConfigFile), Does.Contain("login_session"), "the profile keeps its login_session for the next login");
    }

    [Test]
    public async Task Login_refuses_a_profile_whose_keys_would_win_over_the_session()
    {
        // ToolProcess's profile 'base' holds an IAM user's keys in the credentials file.
        var login = await _tool.RunAsync(null, "login", "--profile", "base", "--region", "eu-west-1");

        Assert.That(login.ExitCode, Is.EqualTo(2), login.ToString());
        Assert.That(login.Stderr, Does.Contain("profile 'base' is of kind keys, which comes before login_session"));
        Assert.That(_signIn.CodesRedeemed, Is.Zero);
        Assert.That(File.ReadAllText(ConfigFile), Does.Not.Contain("login_session"));
    }
}
