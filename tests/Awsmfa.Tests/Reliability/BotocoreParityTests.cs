using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// Configs from botocore's and aws-vault's own test suites, resolved by botocore (the AWS CLI
/// installed here) and by the built awsmfa against the same strict fake STS: both sign with the
/// same IAM user's keys and assume the same roles. (awsmfa puts an MFA session between the keys
/// and the first role, by design; botocore assumes the role with the keys themselves.)
/// </summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "the AWS CLI is run from PATH as on Linux and macOS")]
public sealed class BotocoreParityTests : FakeAwsToolTest
{
    private const string KeyB = "AKIAMIDDLEPROFILE0B1";
    private const string KeyC = "AKIABOTTOMPROFILE0C1";
    private const string RoleA = "arn:aws:iam::210987654321:role/role-a";
    private const string RoleB = "arn:aws:iam::210987654321:role/role-b";

    private string _aws = null!;

    [SetUp]
    public void FindTheAwsCli()
    {
        var aws = Processes.FindOnPath("aws");
        if (aws is null)
        {
            Assert.Ignore("the AWS CLI (botocore) is not installed (pip install awscli)");
        }

        _aws = aws!;
    }

    private void WriteFiles(string credentials, string config)
    {
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "credentials"), credentials);
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), config);
    }

    /// <summary>The long-term key that signed the first call, and the roles assumed, in order.</summary>
    private (string FirstSigner, string[] Roles) Drain()
    {
        var calls = new List<StsCall>();
        while (Aws.Calls.TryDequeue(out var call))
        {
            calls.Add(call);
        }

        Assert.That(calls, Is.Not.Empty, "no STS call was made");
        return (calls[0].SignedBy, calls.Where(c => c.Action == "AssumeRole").Select(c => c.RoleArn!).ToArray());
    }

    private async Task<(string FirstSigner, string[] Roles)> BotocoreAsync(string profile)
    {
        // The variable, not --endpoint-url: botocore's own STS client for the role reads only it.
        Tool.Environment["AWS_ENDPOINT_URL"] = Aws.Url;
        var result = await Tool.RunProgramAsync(_aws, "sts", "get-caller-identity", "--profile", profile, "--region", "us-east-1");
        Tool.Environment.Remove("AWS_ENDPOINT_URL");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return Drain();
    }

    private async Task<(string FirstSigner, string[] Roles)> AwsmfaAsync(string profile, string code)
    {
        var result = await Tool.RunAsync(null, "session", "get", "--profile", profile, "--endpoint-url", Aws.Url, "-t", code, "-o", "json");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return Drain();
    }

    [Test]
    public async Task A_middle_profile_with_its_own_keys_is_the_root_of_the_chain_as_botocore_reads_it()
    {
        // botocore's test_recursive_assume_role_stops_at_static_creds.
        WriteFiles(
            $"[B]\naws_access_key_id = {KeyB}\naws_secret_access_key = secretB\n\n[C]\naws_access_key_id = {KeyC}\naws_secret_access_key = secretC\n",
            $"[profile A]\nrole_arn = {RoleA}\nsource_profile = B\n\n[profile B]\nrole_arn = {RoleB}\nsource_profile = C\nmfa_serial = {ToolProcess.Serial}\n\n[profile C]\nregion = us-east-1\n");

        var botocore = await BotocoreAsync("A");
        var awsmfa = await AwsmfaAsync("A", "123456");

        Assert.That(botocore.FirstSigner, Is.EqualTo(KeyB), "botocore signs with B's keys");
        Assert.That(botocore.Roles, Is.EqualTo(new[] { RoleA }));
        Assert.That(awsmfa.FirstSigner, Is.EqualTo(botocore.FirstSigner), "the MFA session is minted with B's keys");
        Assert.That(awsmfa.Roles, Is.EqualTo(botocore.Roles), "only role A is assumed");
    }

    [Test]
    public async Task A_role_profile_with_its_own_keys_and_no_source_profile_uses_its_keys()
    {
        // aws-vault's TestRoleChainingMfaUsesGetSessionTokenBeforeAssumeRole.
        WriteFiles(
            $"[own]\naws_access_key_id = {KeyB}\naws_secret_access_key = secretB\n",
            $"[profile own]\nrole_arn = {RoleA}\nmfa_serial = {ToolProcess.Serial}\nregion = us-east-1\n");

        var awsmfa = await AwsmfaAsync("own", "123456");

        Assert.That(awsmfa.FirstSigner, Is.EqualTo(KeyB));
        Assert.That(awsmfa.Roles, Is.EqualTo(new[] { RoleA }));
    }

    [Test]
    public async Task A_web_identity_profile_makes_the_same_call_as_botocore()
    {
        // botocore's test_assume_role_web_identity_uses_same_region_as_client, on one config.
        const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9hcHAifQ.c2lnbmF0dXJl";
        var tokenFile = Path.Combine(Tool.Home, "oidc-token");
        File.WriteAllText(tokenFile, Token);
        WriteFiles("", $"[profile ci]\nrole_arn = {RoleA}\nweb_identity_token_file = {tokenFile}\nrole_session_name = ci-job\nregion = us-east-1\n");

        Tool.Environment["AWS_ENDPOINT_URL"] = Aws.Url;
        var botocore = await Tool.RunProgramAsync(_aws, "sts", "get-caller-identity", "--profile", "ci");
        var botocoreCall = Aws.Calls.First(c => c.Action == "AssumeRoleWithWebIdentity");
        Aws.Calls.Clear();
        var awsmfa = await Tool.RunAsync(null, "session", "get", "--profile", "ci", "-o", "json");
        var awsmfaCall = Aws.Calls.Single();

        Assert.That(botocore.ExitCode, Is.Zero, botocore.ToString());
        Assert.That(awsmfa.ExitCode, Is.Zero, awsmfa.ToString());
        Assert.That(awsmfaCall.Action, Is.EqualTo("AssumeRoleWithWebIdentity"));
        Assert.That((awsmfaCall.RoleArn, awsmfaCall.RoleSessionName, awsmfaCall.WebIdentityToken), Is.EqualTo((botocoreCall.RoleArn, botocoreCall.RoleSessionName, botocoreCall.WebIdentityToken)));
        Assert.That((awsmfaCall.SignedBy, botocoreCall.SignedBy), Is.EqualTo((string.Empty, string.Empty)), "both unsigned");
        Assert.That(awsmfa.Stdout, Does.Contain("ASIAFAKEWEBID"));
    }

    [Test]
    public async Task Half_a_key_pair_in_the_environment_is_refused_as_botocore_refuses_it()
    {
        Tool.Environment["AWS_ACCESS_KEY_ID"] = KeyB;

        var botocore = await Tool.RunProgramAsync(_aws, "sts", "get-caller-identity", "--endpoint-url", Aws.Url, "--region", "us-east-1");
        var awsmfa = await Tool.RunAsync(null, "session", "get", "--endpoint-url", Aws.Url, "-t", "123456");

        Assert.That(botocore.ExitCode, Is.Not.Zero, botocore.ToString());
        Assert.That(botocore.Stderr, Does.Contain("Partial credentials"));
        Assert.That(awsmfa.ExitCode, Is.EqualTo(2), awsmfa.ToString());
        Assert.That(awsmfa.Stderr, Is.EqualTo("awsmfa: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset AWS_ACCESS_KEY_ID (or name a profile with --profile)\n"));
        Assert.That(Aws.Calls, Is.Empty);
    }

    [TestCase("AWS_CONFIG_FILE", "config")]
    [TestCase("AWS_SHARED_CREDENTIALS_FILE", "credentials")]
    public async Task A_named_file_that_does_not_exist_is_refused_never_a_fallback_to_the_home_folder(string variable, string name)
    {
        // The real files stay in ~/.aws, where the SDK would fall back to them.
        Tool.Environment.Remove("AWS_CONFIG_FILE");
        Tool.Environment.Remove("AWS_SHARED_CREDENTIALS_FILE");
        var missing = Path.Combine(Tool.Home, "nowhere", name);
        Tool.Environment[variable] = missing;

        var get = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");
        var doctor = await Tool.RunAsync(null, "doctor", "--profile", "base", "--endpoint-url", Aws.Url);

        Assert.That(get.ExitCode, Is.EqualTo(2), get.ToString());
        Assert.That(get.Stderr, Is.EqualTo($"awsmfa: {variable} names {missing}, which does not exist: create it, or unset {variable}\n"));
        Assert.That(Aws.Calls.Where(c => c.Action == "GetSessionToken"), Is.Empty);
        Assert.That(doctor.ExitCode, Is.Not.Zero, doctor.ToString());
        Assert.That(doctor.Stdout + doctor.Stderr, Does.Contain($"{variable} names {missing}, which does not exist"));
    }
}
