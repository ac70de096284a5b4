using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

[TestFixture]
[Category("Unit")]
public sealed class PrecedenceTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost();
        _host.WriteCredentials($"""
            [default]
            aws_access_key_id = AKIADEFAULT000000001
            aws_secret_access_key = default-secret
            mfa_serial = arn:aws:iam::123456789012:mfa/default

            [base]
            aws_access_key_id = AKIABASE000000000001
            aws_secret_access_key = base-secret
            mfa_serial = arn:aws:iam::123456789012:mfa/base

            [envprofile]
            aws_access_key_id = AKIAENVPROFILE000001
            aws_secret_access_key = envprofile-secret
            mfa_serial = arn:aws:iam::123456789012:mfa/envprofile

            [temporary]
            aws_access_key_id = ASIATEMPORARY0000001
            aws_secret_access_key = s
            aws_session_token = token

            [noserial]
            aws_access_key_id = AKIANOSERIAL00000001
            aws_secret_access_key = noserial-secret
            """);
        _host.WriteConfig("""
            [default]
            region = eu-west-1

            [profile base]
            region = eu-central-1

            [profile viaprocess]
            credential_process = password-manager read aws-keys

            [profile role]
            role_arn = arn:aws:iam::123456789012:role/admin
            source_profile = base

            [profile nosource]
            role_arn = arn:aws:iam::123456789012:role/admin
            credential_source = Environment
            """);
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private async Task<CliResult> GetAsync(params string[] extra) =>
        await _host.RunAsync(["session", "get", "-t", "123456", .. extra]);

    [Test]
    public async Task Profile_option_beats_AWS_PROFILE()
    {
        _host.Environment["AWS_PROFILE"] = "envprofile";

        await GetAsync("--profile", "base");

        Assert.That(_host.Aws.StsClients.Single().Credentials.AccessKeyId, Is.EqualTo("AKIABASE000000000001"));
    }

    [Test]
    public async Task AWS_PROFILE_beats_default_and_environment_keys()
    {
        _host.Environment["AWS_PROFILE"] = "envprofile";
        _host.Environment["AWS_ACCESS_KEY_ID"] = "AKIAFROMENVIRONMENT1";
        _host.Environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret";

        await GetAsync();

        Assert.That(_host.Aws.StsClients.Single().Credentials.AccessKeyId, Is.EqualTo("AKIAENVPROFILE000001"));
    }

    [Test]
    public async Task Environment_keys_serve_when_no_profile_is_named()
    {
        _host.Environment["AWS_ACCESS_KEY_ID"] = "AKIAFROMENVIRONMENT1";
        _host.Environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret";

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsClients.Single().Credentials.AccessKeyId, Is.EqualTo("AKIAFROMENVIRONMENT1"));
        Assert.That(_host.Aws.StsRequests.Single().SerialNumber, Is.EqualTo("arn:aws:iam::123456789012:mfa/default"), "mfa_serial of the default profile");
        Assert.That(result.Stderr, Does.Contain("profile 'env'"));
    }

    [Test]
    public async Task Default_profile_serves_when_nothing_is_named()
    {
        await GetAsync();

        Assert.That(_host.Aws.StsClients.Single().Credentials.AccessKeyId, Is.EqualTo("AKIADEFAULT000000001"));
    }

    [Test]
    public async Task Session_credentials_in_the_environment_give_way_to_the_default_profiles_keys()
    {
        _host.Environment["AWS_ACCESS_KEY_ID"] = "ASIAFROMENVIRONMENT1";
        _host.Environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret";
        _host.Environment["AWS_SESSION_TOKEN"] = "token";

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsClients.Single().Credentials.AccessKeyId, Is.EqualTo("AKIADEFAULT000000001"));
    }

    [Test]
    public async Task Session_credentials_in_the_environment_without_a_default_profile_are_refused()
    {
        _host.WriteCredentials("");
        _host.Environment["AWS_ACCESS_KEY_ID"] = "ASIAFROMENVIRONMENT1";
        _host.Environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret";
        _host.Environment["AWS_SESSION_TOKEN"] = "token";

        var result = await GetAsync("--serial-number", "arn:aws:iam::123456789012:mfa/alice");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("hold session credentials, which cannot call GetSessionToken"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [TestCase("temporary", "holds session credentials (aws_session_token)")]
    [TestCase("viaprocess", "no MFA device: pass --serial-number ARN")]
    [TestCase("nosource", "profile 'nosource' has credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")]
    [TestCase("missing", "profile 'missing' was not found in")]
    public async Task Profiles_without_long_term_keys_are_refused_with_exit_2(string profile, string message)
    {
        var result = await GetAsync("--profile", profile);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task Serial_option_beats_environment_and_profile()
    {
        _host.Environment["AWSMFA_SERIAL_NUMBER"] = "arn:aws:iam::123456789012:mfa/fromenv";

        await GetAsync("--profile", "base", "--serial-number", "arn:aws:iam::123456789012:mfa/fromoption");

        Assert.That(_host.Aws.StsRequests.Single().SerialNumber, Is.EqualTo("arn:aws:iam::123456789012:mfa/fromoption"));
    }

    [Test]
    public async Task Serial_environment_beats_profile()
    {
        _host.Environment["AWSMFA_SERIAL_NUMBER"] = "arn:aws:iam::123456789012:mfa/fromenv";

        await GetAsync("--profile", "base");

        Assert.That(_host.Aws.StsRequests.Single().SerialNumber, Is.EqualTo("arn:aws:iam::123456789012:mfa/fromenv"));
    }

    [Test]
    public async Task No_serial_anywhere_is_exit_2_naming_all_three_ways()
    {
        var result = await GetAsync("--profile", "noserial");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Is.EqualTo(
            "awsmfa: no MFA device: pass --serial-number ARN, set AWSMFA_SERIAL_NUMBER, or add mfa_serial = ARN to profile 'noserial' in ~/.aws/config\n"));
    }

    [TestCase("--serial-number", "short")]
    [TestCase("--serial-number", "arn:aws:iam::123456789012:mfa/al ice")]
    [TestCase("--region", "not a region")]
    [TestCase("--region", "$(reboot)")]
    [TestCase("--profile", "")]
    [TestCase("--profile", "a b")]
    [TestCase("--endpoint-url", "127.0.0.1:5000")]
    [TestCase("--endpoint-url", "ftp://example")]
    public async Task Malformed_values_are_exit_2_before_any_network_call(string option, string value)
    {
        var result = option == "--profile" ? await GetAsync(option, value) : await GetAsync("--profile", "base", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith($"awsmfa: {option} "));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task Region_option_beats_AWS_REGION()
    {
        _host.Environment["AWS_REGION"] = "us-west-2";

        await GetAsync("--profile", "base", "--region", "ap-northeast-1");

        Assert.That(_host.Aws.StsClients.Single().Target.Region, Is.EqualTo("ap-northeast-1"));
    }

    [Test]
    public async Task AWS_REGION_beats_AWS_DEFAULT_REGION_and_the_profile()
    {
        _host.Environment["AWS_REGION"] = "us-west-2";
        _host.Environment["AWS_DEFAULT_REGION"] = "us-east-2";

        await GetAsync("--profile", "base");

        Assert.That(_host.Aws.StsClients.Single().Target.Region, Is.EqualTo("us-west-2"));
    }

    [Test]
    public async Task AWS_DEFAULT_REGION_beats_the_profile()
    {
        _host.Environment["AWS_DEFAULT_REGION"] = "us-east-2";

        await GetAsync("--profile", "base");

        Assert.That(_host.Aws.StsClients.Single().Target.Region, Is.EqualTo("us-east-2"));
    }

    [Test]
    public async Task Profile_region_applies_last()
    {
        await GetAsync("--profile", "base");

        Assert.That(_host.Aws.StsClients.Single().Target, Is.EqualTo(new Awsmfa.Aws.AwsTarget("eu-central-1", null, "base", Awsmfa.Aws.AwsTarget.DefaultRequestTimeout)));
    }

    [Test]
    public async Task Endpoint_url_reaches_the_client()
    {
        await GetAsync("--profile", "base", "--endpoint-url", "http://127.0.0.1:5000");

        Assert.That(_host.Aws.StsClients.Single().Target.EndpointUrl, Is.EqualTo(new Uri("http://127.0.0.1:5000")));
    }

    [Test]
    public async Task Sessions_of_different_profiles_are_cached_apart()
    {
        await GetAsync("--profile", "base");
        var other = await _host.RunAsync("session", "get", "-t", "654321");
        var baseAgain = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(other.Stdout, Does.Contain("SessionTokenPart2"));
        Assert.That(baseAgain.Stdout, Does.Contain("SessionTokenPart1"));
    }
}
