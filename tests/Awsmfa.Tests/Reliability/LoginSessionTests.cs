using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// A profile with <c>login_session</c> (<c>aws login</c>) through the built tool, against a
/// strict stand-in Sign-In service: its credentials are used while they last, refreshed with a
/// DPoP proof when they run out (once for any number of parallel runs), written back as the AWS
/// CLI writes them, and an ended session is one line.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed class LoginSessionTests
{
    private const string Session = "arn:aws:sts::123456789012:assumed-role/alice-console/alice";
    private ToolProcess _tool = null!;
    private FakeSignIn _signIn = null!;
    private ECDsa _key = null!;

    private string TokenPath => Path.Combine(_tool.Home, ".aws", "login", "cache", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Session))) + ".json");

    [SetUp]
    public void SetUp()
    {
        _tool = new ToolProcess();
        _signIn = new FakeSignIn();
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(_tool.AwsFolder, "config"), $"[profile console]\nlogin_session = {Session}\nregion = eu-west-1\n");
        _tool.Environment["AWS_ENDPOINT_URL_SIGNIN"] = _signIn.Url;
    }

    [TearDown]
    public void TearDown()
    {
        _signIn.Dispose();
        _tool.Dispose();
        _key.Dispose();
    }

    private void WriteToken(TimeSpan left)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(TokenPath)!);
        File.WriteAllText(TokenPath, _signIn.TokenFile("123456789012", DateTimeOffset.UtcNow + left, _key));
        File.SetUnixFileMode(TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private Task<CliResult> GetAsync(params string[] more) => _tool.RunAsync(null, ["session", "get", "--profile", "console", "-o", "json", .. more]);

    private static string AccessKeyOf(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.GetProperty("AccessKeyId").GetString()!;

    [Test]
    public async Task Credentials_with_more_than_five_minutes_left_are_used_as_they_are()
    {
        WriteToken(TimeSpan.FromMinutes(12));
        var before = File.ReadAllBytes(TokenPath);

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(AccessKeyOf(result), Is.EqualTo("ASIALOGINEXAMPLE0001"));
        Assert.That(_signIn.Refreshes, Is.Zero);
        Assert.That(File.ReadAllBytes(TokenPath), Is.EqualTo(before));
    }

    [Test]
    public async Task Credentials_running_out_are_refreshed_with_a_dpop_proof_and_written_back_as_the_aws_cli_writes_them()
    {
        WriteToken(TimeSpan.FromMinutes(2));

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString() + string.Join("\n", _signIn.Refused));
        Assert.That(_signIn.Refused, Is.Empty);
        Assert.That(_signIn.Refreshes, Is.EqualTo(1));
        Assert.That(AccessKeyOf(result), Is.EqualTo(_signIn.LastAccessKeyId));
        var token = JsonNode.Parse(File.ReadAllText(TokenPath))!;
        Assert.That(token["accessToken"]!["accessKeyId"]!.GetValue<string>(), Is.EqualTo(_signIn.LastAccessKeyId));
        Assert.That(token["accessToken"]!["accountId"]!.GetValue<string>(), Is.EqualTo("123456789012"), "kept");
        Assert.That(token["refreshToken"]!.GetValue<string>(), Is.EqualTo(_signIn.RefreshToken), "the rotated refresh token");
        Assert.That(token["idToken"]!.GetValue<string>(), Is.EqualTo("header.payload.signature"), "every other field kept");
        Assert.That(token["dpopKey"]!.GetValue<string>(), Is.EqualTo(_key.ExportECPrivateKeyPem()));
        Assert.That(DateTimeOffset.Parse(token["accessToken"]!["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow,
            Is.GreaterThan(TimeSpan.FromMinutes(14)).And.LessThan(TimeSpan.FromMinutes(16)));
        Assert.That(File.GetUnixFileMode(TokenPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        // The next answer is the cached one; a third after a used refresh token would be refused.
        var again = await GetAsync();
        Assert.That(AccessKeyOf(again), Is.EqualTo(_signIn.LastAccessKeyId));
        Assert.That(_signIn.Refreshes, Is.EqualTo(1));
    }

    [Test]
    public async Task Eight_parallel_runs_refresh_once()
    {
        WriteToken(TimeSpan.FromMinutes(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => GetAsync()));

        Assert.That(results.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", results.Select(r => r.Stderr)));
        Assert.That(_signIn.Refreshes, Is.EqualTo(1), string.Join("\n", _signIn.Refused));
        Assert.That(results.Select(AccessKeyOf).Distinct(), Is.EqualTo(new[] { _signIn.LastAccessKeyId }));
    }

    [TestCase("TOKEN_EXPIRED", 2, "awsmfa: the sign-in session ended (TOKEN_EXPIRED): run awsmfa login --profile console")]
    [TestCase("USER_CREDENTIALS_CHANGED", 2, "awsmfa: the sign-in session ended (USER_CREDENTIALS_CHANGED): run awsmfa login --profile console")]
    [TestCase("INSUFFICIENT_PERMISSIONS", 3, "awsmfa: the sign-in session may not be refreshed (INSUFFICIENT_PERMISSIONS): the user needs signin:CreateOAuth2Token")]
    public async Task A_refused_refresh_is_one_line_and_nothing_is_cached(string error, int exitCode, string line)
    {
        WriteToken(TimeSpan.FromMinutes(1));
        _signIn.DenyWith = error;
        var before = File.ReadAllBytes(TokenPath);

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Stderr, Does.StartWith(line));
        Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain('\n'));
        Assert.That(File.ReadAllBytes(TokenPath), Is.EqualTo(before));
        Assert.That(Directory.Exists(_tool.CacheFolder) ? Directory.GetFiles(_tool.CacheFolder, "*.json") : [], Is.Empty);
    }

    [Test]
    public async Task A_token_file_that_is_not_the_users_alone_missing_fields_or_with_another_curve_is_one_line_each()
    {
        WriteToken(TimeSpan.FromMinutes(1));
        File.SetUnixFileMode(TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var open = await GetAsync();

        var token = JsonNode.Parse(_signIn.TokenFile("123456789012", DateTimeOffset.UtcNow, _key))!.AsObject();
        token.Remove("refreshToken");
        File.WriteAllText(TokenPath, token.ToJsonString());
        File.SetUnixFileMode(TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var incomplete = await GetAsync();

        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        File.WriteAllText(TokenPath, _signIn.TokenFile("123456789012", DateTimeOffset.UtcNow, p384));
        var curve = await GetAsync();

        File.Delete(TokenPath);
        var missing = await GetAsync();

        Assert.That(open.Stderr, Does.Contain("is readable by other users").And.Contain("(chmod 600)"));
        Assert.That(incomplete.Stderr, Does.Contain("lacks refreshToken"));
        Assert.That(curve.Stderr, Does.Contain("not on the P-256 curve"));
        Assert.That(missing.Stderr, Does.Contain("does not exist: sign in with awsmfa login --profile console"));
        foreach (var result in new[] { open, incomplete, curve, missing })
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain('\n'));
            Assert.That(result.Stderr, Does.Not.Contain("LoginSecret").And.Not.Contain("refresh-0"));
        }

        Assert.That(_signIn.Refreshes, Is.Zero);
    }

    [Test]
    public async Task Botocore_reads_the_file_awsmfa_wrote_and_gets_the_same_credentials()
    {
        WriteToken(TimeSpan.FromMinutes(1));
        var result = await GetAsync();
        Assert.That(result.ExitCode, Is.Zero, result.ToString());

        var script = """
            import json, sys
            from botocore.utils import JSONFileCache, LoginTokenLoader
            from botocore.credentials import LoginCredentialFetcher
            loader = LoginTokenLoader(JSONFileCache(sys.argv[1]))
            token = loader.load_token(sys.argv[2])
            print(json.dumps(LoginCredentialFetcher._token_to_credentials(token)))
            """;
        var run = await Botocore.RunAsync(script, [Path.GetDirectoryName(TokenPath)!, Session], needs: "cannot import name 'LoginTokenLoader'");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var botocore = JsonNode.Parse(run.Stdout)!;
        var awsmfa = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.That(botocore["access_key"]!.GetValue<string>(), Is.EqualTo(awsmfa.GetProperty("AccessKeyId").GetString()));
        Assert.That(botocore["secret_key"]!.GetValue<string>(), Is.EqualTo(awsmfa.GetProperty("SecretAccessKey").GetString()));
        Assert.That(botocore["token"]!.GetValue<string>(), Is.EqualTo(awsmfa.GetProperty("SessionToken").GetString()));
        Assert.That(botocore["account_id"]!.GetValue<string>(), Is.EqualTo("123456789012"));
    }

    [Test]
    public async Task Profile_list_shows_the_kind_and_doctor_the_session()
    {
        WriteToken(TimeSpan.FromMinutes(12));

        var list = await _tool.RunAsync(null, "profile", "list", "-o", "json");
        var doctor = await _tool.RunAsync(null, "doctor", "--profile", "console", "--endpoint-url", _signIn.Url);

        var row = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single(r => r.GetProperty("Profile").GetString() == "console");
        Assert.That(row.GetProperty("Kind").GetString(), Is.EqualTo("login"));
        Assert.That(row.GetProperty("Source").GetString(), Is.EqualTo(Session));
        Assert.That(doctor.Stdout, Does.Contain($"root 'console' (an aws login session ({Session})"));
        Assert.That(doctor.Stdout, Does.Contain("is yours alone and holds a refresh token and a P-256 key"));
        Assert.That(doctor.Stdout, Does.Not.Contain("mfa device"), "no MFA device is needed: the sign-in did the MFA");
    }

    [Test]
    public async Task A_role_over_the_session_is_assumed_with_its_credentials_and_asks_no_code()
    {
        using var sts = new FakeAwsServer();
        WriteToken(TimeSpan.FromMinutes(12));
        File.AppendAllText(Path.Combine(_tool.AwsFolder, "config"), "\n[profile admin]\nrole_arn = arn:aws:iam::210987654321:role/admin\nsource_profile = console\n");

        var result = await _tool.RunAsync(null, "session", "get", "--profile", "admin", "-o", "json", "--endpoint-url", sts.Url);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var call = sts.Calls.Single();
        Assert.That(call.Action, Is.EqualTo("AssumeRole"));
        Assert.That(call.SignedBy, Is.EqualTo("ASIALOGINEXAMPLE0001"), "signed with the sign-in session's credentials");
        Assert.That(call.WithSessionToken, Is.True);
        Assert.That(call.SerialNumber, Is.Null, "no MFA device: the sign-in did the MFA");
        Assert.That(_signIn.Refreshes, Is.Zero);

        // Ending the session forgets the role minted from it too (recorded under the role profile's name).
        Assert.That(Directory.GetFiles(_tool.CacheFolder, "*.json"), Is.Not.Empty);
        var logout = await _tool.RunAsync(null, "logout", "--profile", "console");
        Assert.That(logout.ExitCode, Is.Zero, logout.ToString());
        Assert.That(Directory.GetFiles(_tool.CacheFolder, "*.json"), Is.Empty);
    }

    [Test]
    public async Task A_refresh_token_another_program_used_meanwhile_serves_what_that_program_wrote()
    {
        // As if the AWS CLI refreshed between awsmfa's read and its call: the service refuses the
        // used refresh token, and the file already holds the new credentials.
        WriteToken(TimeSpan.FromMinutes(1));
        _signIn.RefreshToken = "refresh-from-the-aws-cli";
        var rewritten = Path.Combine(_tool.Home, "rewritten.json");
        File.WriteAllText(rewritten, _signIn.TokenFile("123456789012", DateTimeOffset.UtcNow.AddMinutes(15), _key, accessKeyId: "ASIAAWSCLIREFRESHED1"));
        File.SetUnixFileMode(rewritten, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _signIn.OnRefused = () => File.Copy(rewritten, TokenPath, overwrite: true);

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(AccessKeyOf(result), Is.EqualTo("ASIAAWSCLIREFRESHED1"));
    }

    [Test]
    public async Task Two_profiles_of_one_session_and_runs_without_the_cache_still_refresh_once()
    {
        WriteToken(TimeSpan.FromMinutes(1));
        File.AppendAllText(Path.Combine(_tool.AwsFolder, "config"), $"\n[profile console-us]\nlogin_session = {Session}\nregion = us-east-1\n");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _tool.RunAsync(
            null, ["session", "get", "--profile", i % 2 == 0 ? "console" : "console-us", "-o", "json", .. (i % 4 < 2 ? new[] { "--no-cache" } : [])])));

        Assert.That(results.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", results.Select(r => r.Stderr)));
        Assert.That(_signIn.Refreshes, Is.EqualTo(1), string.Join("\n", _signIn.Refused));
        Assert.That(results.Select(AccessKeyOf).Distinct(), Is.EqualTo(new[] { _signIn.LastAccessKeyId }));
    }
}
