using Awsmfa.Credentials;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

/// <summary>
/// The client registration cache the AWS CLI v2 shares: its file name (the expected names were
/// computed with the AWS CLI's own <c>_registration_cache_key</c> code in Python), and which
/// cached registration a sign-in may use.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class SsoRegistrationTests
{
    private const string StartUrl = "https://corp.awsapps.com/start";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Access = ["sso:account:access"];
    private TempDirectory _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new TempDirectory();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [TestCase(StartUrl, "eu-west-1", "sso:account:access", "corp", "787ef34d0a944c01385765faa28b5e67d1c08f33", TestName = "a session with its scopes")]
    [TestCase(StartUrl, "eu-west-1", null, "corp", "a5ef4a75f83137c047e4ff336d1dade82162017b", TestName = "a session with no scopes configured: null, not the default")]
    [TestCase(StartUrl, "eu-west-1", " , ", "corp", "3185e08e1db2d8f4bd69a5e01ddd491e4ff3d9b9", TestName = "a session with sso_registration_scopes set to nothing: an empty list")]
    [TestCase(StartUrl, "us-east-1", null, null, "ffb6eff0a547e7a6123046d5853a4c054139b507", TestName = "a legacy profile: no session name")]
    [TestCase("https://d-1234.awsapps.com/start/#/é\"\\\u007f", "eu-west-1", "sso:account:access, codewhisperer:completions", "équipe 🚀\ttab", "6d6c0782f58c162151ee61698efeb8ffc8e3b07c",
        TestName = "escaped as Python's json.dumps escapes (non-ASCII, quote, backslash, DEL, tab)")]
    public void The_file_is_named_by_the_aws_clis_key(string startUrl, string region, string? scopes, string? session, string expected)
    {
        var target = new SsoTarget(session, startUrl, region, SsoTarget.ParseScopes(scopes), Path.Combine(_folder.Path, "token.json"), null);

        Assert.That(SsoRegistration.PathFor(target), Is.EqualTo(Path.Combine(_folder.Path, expected + ".json")));
    }

    [Test]
    public void A_registration_is_used_only_by_its_own_flow_and_while_it_has_fifteen_minutes_left()
    {
        var path = Path.Combine(_folder.Path, "registration.json");
        new SsoRegistration("id", "secret", Now.AddDays(30), ["sso:account:access"], ["authorization_code", "refresh_token"]).Write(path);

        var read = SsoRegistration.Read(path, forAuthorizationCode: true, Access, Now);

        Assert.That(read, Is.Not.Null);
        Assert.That((read!.ClientId, read.ClientSecret, read.ExpiresAt), Is.EqualTo(("id", "secret", Now.AddDays(30))));
        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: false, [], Now), Is.Null, "a device code sign-in takes a client of its own");
        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: true, ["sso:account:access", "codewhisperer:completions"], Now), Is.Null, "a scope it was not registered for");
        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: true, Access, Now.AddDays(30).AddMinutes(-14)), Is.Null, "too close to its end");
        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: true, Access, Now.AddDays(30).AddMinutes(-15)), Is.Not.Null);
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [TestCase("""{"clientId":"id","clientSecret":"secret","expiresAt":"2027-01-01T00:00:00Z"}""", true, TestName = "the AWS CLI's device code registration (no grantTypes)")]
    [TestCase("""{"clientId":"id","expiresAt":"2027-01-01T00:00:00Z"}""", false, TestName = "no secret")]
    [TestCase("""{"clientId":"id","clientSecret":"secret","expiresAt":"2027-01-01T00:00:00Z","grantTypes":["refresh_token"]}""", true, TestName = "grantTypes without authorization_code")]
    [TestCase("not json", false, TestName = "not JSON")]
    public void A_file_is_a_device_code_registration_only_when_it_holds_one(string text, bool usable)
    {
        var path = Path.Combine(_folder.Path, "registration.json");
        File.WriteAllText(path, text);

        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: false, [], Now) is not null, Is.EqualTo(usable));
        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: true, Access, Now), Is.Null);
    }

    [Test]
    public void A_lone_grant_type_string_is_read_as_botocore_reads_it()
    {
        // botocore asks `'authorization_code' in grantTypes`: true for the string as for a list.
        var path = Path.Combine(_folder.Path, "registration.json");
        File.WriteAllText(path, """{"clientId":"id","clientSecret":"secret","expiresAt":"2027-01-01T00:00:00Z","grantTypes":"authorization_code","scopes":["sso:account:access"]}""");

        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: true, Access, Now), Is.Not.Null);
        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: false, [], Now), Is.Null);
    }

    [Test]
    public void Forget_removes_only_the_registration_it_names()
    {
        var path = Path.Combine(_folder.Path, "registration.json");
        var refused = new SsoRegistration("old", "secret", Now.AddDays(30), Access, null);
        new SsoRegistration("new", "secret", Now.AddDays(90), Access, null).Write(path);

        refused.Forget(path);

        Assert.That(SsoRegistration.Read(path, forAuthorizationCode: false, Access, Now)?.ClientId, Is.EqualTo("new"), "another sign-in's newer registration is kept");
        SsoRegistration.Read(path, forAuthorizationCode: false, Access, Now)!.Forget(path);
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void No_file_is_no_registration() =>
        Assert.That(SsoRegistration.Read(Path.Combine(_folder.Path, "missing.json"), forAuthorizationCode: true, Access, Now), Is.Null);
}
