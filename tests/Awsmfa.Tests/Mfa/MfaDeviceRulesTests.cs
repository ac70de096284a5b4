using Awsmfa.Credentials;
using Awsmfa.Mfa;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Mfa;

/// <summary>What <c>mfa create</c> checks before IAM sees anything: codes against the seed, the user, the device's kind.</summary>
[TestFixture]
[Category("Unit")]
public sealed class MfaDeviceRulesTests
{
    // RFC 6238's test key, "12345678901234567890", in Base32.
    private const string RfcSeed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    [TestCase(59L, "287082")]
    [TestCase(1111111109L, "081804")]
    [TestCase(1234567890L, "005924")]
    [TestCase(2000000000L, "279037")]
    public void Codes_are_rfc_6238_s_six_digit_sha1_codes(long unixSeconds, string code) =>
        Assert.That(Totp.Code(RfcSeed, unixSeconds / 30), Is.EqualTo(code));

    [Test]
    public void A_code_is_found_within_two_steps_of_now_and_not_further()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var step = Totp.StepOf(now);

        Assert.That(Totp.FindStep(RfcSeed, TestTotp.Code(RfcSeed, step + 1), now), Is.EqualTo(step + 1));
        Assert.That(Totp.FindStep(RfcSeed, TestTotp.Code(RfcSeed, step - 2), now), Is.EqualTo(step - 2));
        Assert.That(Totp.FindStep(RfcSeed, TestTotp.Code(RfcSeed, step + 3), now), Is.Null);
    }

    [Test]
    public void The_uri_is_the_one_aws_s_console_shows_with_the_seed_and_no_padding()
    {
        Assert.That(Totp.Uri(RfcSeed + "====", "alice", "123456789012"),
            Is.EqualTo($"otpauth://totp/Amazon%20Web%20Services%3Aalice%40123456789012?secret={RfcSeed}&issuer=Amazon%20Web%20Services"));
    }

    [TestCase("arn:aws:iam::123456789012:user/alice", "alice", "aws")]
    [TestCase("arn:aws-cn:iam::123456789012:user/team/ops/bob", "bob", "aws-cn")]
    [TestCase("arn:aws:sts::123456789012:assumed-role/admin/alice", null, null)]
    [TestCase("arn:aws:iam::123456789012:root", null, null)]
    public void Only_an_iam_user_arn_names_a_user(string arn, string? name, string? partition)
    {
        var user = IamUser.FromArn(arn);

        Assert.That(user?.Name, Is.EqualTo(name));
        Assert.That(user?.Partition, Is.EqualTo(partition));
    }

    [TestCase("arn:aws:iam::123456789012:mfa/alice", "virtual", true)]
    [TestCase("GAHT12345678", "hardware TOTP", true)]
    [TestCase("arn:aws:iam::123456789012:u2f/user/alice/fidosecuritykey-ABCDEFGHIJKLMNOP", "passkey/security key", false)]
    public void A_device_s_kind_comes_from_its_serial_and_only_totp_devices_give_codes(string serial, string type, bool codes)
    {
        Assert.That(MfaDeviceTypes.Word(MfaDeviceTypes.Of(serial)), Is.EqualTo(type));
        Assert.That(MfaDeviceTypes.GivesCodes(MfaDeviceTypes.Of(serial)), Is.EqualTo(codes));
    }
}

/// <summary><c>mfa create --set</c> and <c>mfa remove</c> change one setting's lines and nothing else of the file.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ProfileSettingEditTests
{
    private const string Serial = "arn:aws:iam::123456789012:mfa/alice";
    private TempDirectory _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new TempDirectory();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    private string Edit(string before, string section, string? value, bool changes = true)
    {
        var path = _folder.Combine("config");
        File.WriteAllText(path, before);
        Assert.That(ProfileSettingEdit.Set(path, section, "mfa_serial", value), Is.EqualTo(changes));
        return File.ReadAllText(path);
    }

    [TestCase("[profile a]\nregion = x\n\n[profile b]\n", "[profile a]\nregion = x\nmfa_serial = S\n\n[profile b]\n")]
    [TestCase("[profile a]\nregion = x", "[profile a]\nregion = x\nmfa_serial = S\n")]
    [TestCase("[profile a]\r\nregion = x\r\n", "[profile a]\r\nregion = x\r\nmfa_serial = S\r\n")]
    [TestCase("[profile a]\n# who: alice\nMFA_SERIAL=old\nregion = x\n", "[profile a]\n# who: alice\nmfa_serial = S\nregion = x\n")]
    [TestCase("[profile b]\nregion = y\n", "[profile b]\nregion = y\n\n[profile a]\nmfa_serial = S\n")]
    [TestCase("", "[profile a]\nmfa_serial = S\n")]
    [TestCase("[profile\ta]\nmfa_serial: old\n", "[profile\ta]\nmfa_serial = S\n")]
    public void Setting_keeps_every_other_line_and_adds_the_section_when_missing(string before, string after) =>
        Assert.That(Edit(before, "profile a", "S"), Is.EqualTo(after));

    [Test]
    public void Removing_takes_the_setting_s_lines_in_that_section_only()
    {
        var before = $"[profile a]\nmfa_serial = {Serial}\nregion = x\n[profile b]\nmfa_serial = {Serial}\n";

        Assert.That(Edit(before, "profile a", null), Is.EqualTo($"[profile a]\nregion = x\n[profile b]\nmfa_serial = {Serial}\n"));
    }

    [Test]
    public void The_same_value_again_changes_nothing_and_the_mode_is_kept()
    {
        var path = _folder.Combine("config");
        File.WriteAllText(path, $"[default]\nmfa_serial = {Serial}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        Assert.That(ProfileSettingEdit.Set(path, "default", "mfa_serial", Serial), Is.False);
        Assert.That(ProfileSettingEdit.Set(path, "default", "region", "eu-west-1"), Is.True);
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead));
    }

    [Test]
    public void A_default_profile_written_as_profile_default_is_edited_there_and_a_value_of_two_lines_is_refused()
    {
        Assert.That(Edit("[profile default]\nregion = x\n", "default", "S"), Is.EqualTo("[profile default]\nregion = x\nmfa_serial = S\n"));
        var path = _folder.Combine("config");
        Assert.Throws<AwsmfaException>(() => ProfileSettingEdit.Set(path, "profile a", "login_session", "arn:x\ncredential_process = evil"));
        Assert.That(File.ReadAllText(path), Does.Not.Contain("evil"));
    }
}
