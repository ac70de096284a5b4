using Amazon.SecurityToken.Model;
using Awsmfa.Aws;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Keyring;

/// <summary><c>keys rotate</c>: nothing lost on any failure, with a keyring and IAM in memory.</summary>
[TestFixture]
[Category("Unit")]
public sealed class KeyRotationTests
{
    private const string OldId = "AKIAOLDKEYEXAMPLE001";
    private const string Secret = "KeyringSecretKeyringSecretKeyringSecret1";
    private TestHost _host = null!;
    private int _rejectNewKeys;

    [SetUp]
    public async Task SetUp()
    {
        _host = new TestHost();
        _host.WriteConfig($"""
            [profile prod]
            mfa_serial = {TestHost.Serial}
            """);
        _host.WriteCredentials("");
        _host.Stdin = $"{OldId}\n{Secret}\n";
        Assert.That((await _host.RunAsync("keys", "add", "--profile", "prod", "--stdin")).ExitCode, Is.EqualTo(0));
        _host.Iam.Keys.Add(new AccessKeyInfo(OldId, "Active", null));
        _rejectNewKeys = 0;
        _host.Aws.Sts.Setup(s => s.GetCallerIdentityAsync(It.IsAny<GetCallerIdentityRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                var signer = _host.Aws.StsClients[^1].Credentials.AccessKeyId;
                return signer != OldId && Interlocked.Decrement(ref _rejectNewKeys) >= 0
                    ? Task.FromException<GetCallerIdentityResponse>(StsErrors.InvalidClientTokenId())
                    : Task.FromResult(new GetCallerIdentityResponse { Arn = "arn:aws:iam::123456789012:user/staff/alice", Account = "123456789012" });
            });
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private Task<CliResult> RotateAsync() =>
        _host.RunWithClockRunningAsync(TimeSpan.FromSeconds(1), "keys", "rotate", "--profile", "prod", "-t", "123456");

    [Test]
    public async Task Rotates_with_the_mfa_session_and_deletes_the_old_key_last()
    {
        _rejectNewKeys = 3;

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_host.Iam.Calls, Is.EqualTo(new[] { "List alice", "Create alice", $"Delete alice {OldId}" }));
        Assert.That(_host.Iam.Keys.Select(k => k.AccessKeyId), Is.EqualTo(new[] { "AKIANEWKEY0000000001" }));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo("AKIANEWKEY0000000001"));
        Assert.That(_host.Aws.StsRequests, Has.Count.EqualTo(1), "one MFA session");
        Assert.That(result.Stderr, Does.Contain("the new key AKIA...0001 is in the fake keyring and the old key AKIA...E001 was deleted from IAM"));
        var list = await _host.RunAsync("keys", "list");
        Assert.That(list.Stdout, Does.Contain("AKIA...0001"));
    }

    [Test]
    public async Task A_rotation_killed_before_recording_the_new_key_is_finished_by_the_next_one()
    {
        // What SIGKILL after the keyring write leaves: the keyring holds the new key, keys.json
        // and IAM still the old one, and IAM the new one too.
        const string Stored = "AKIASTOREDKEY0000001";
        _host.Keyring.Items["prod"] = new LongTermCredentials(Stored, Secret);
        _host.Iam.Keys.Add(new AccessKeyInfo(Stored, "Active", null));

        var list = await _host.RunAsync("keys", "list");
        var result = await RotateAsync();

        Assert.That(list.Stdout, Does.Contain("AKIA...0001"), "keys list shows the keyring's key");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"finished an interrupted rotation: the keyring held AKIA...0001 while keys.json named AKIA...E001, which is now deleted from IAM"));
        Assert.That(_host.Iam.Calls, Is.EqualTo(new[] { "List alice", $"Delete alice {OldId}", "List alice", "Create alice", $"Delete alice {Stored}" }));
        Assert.That(_host.Iam.Keys.Select(k => k.AccessKeyId), Is.EqualTo(new[] { "AKIANEWKEY0000000001" }));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo("AKIANEWKEY0000000001"));
    }

    [Test]
    public async Task Two_keys_already_is_exit_2_before_any_change()
    {
        _host.Iam.Keys.Add(new AccessKeyInfo("AKIASECONDKEY0000001", "Inactive", null));

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("already has 2 access keys").And.Contain("--access-key-id AKIASECONDKEY0000001"));
        Assert.That(_host.Iam.Calls, Is.EqualTo(new[] { "List alice" }));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(OldId));
    }

    [Test]
    public async Task A_new_key_that_cannot_be_stored_is_deleted_again()
    {
        _host.Keyring.RefuseWrites = "the keyring is locked";

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("rotation undone: the new key could not be stored (the keyring is locked)").And.Contain("your key AKIA...E001 is unchanged"));
        Assert.That(_host.Iam.Keys.Select(k => k.AccessKeyId), Is.EqualTo(new[] { OldId }));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(OldId));
    }

    [Test]
    public async Task A_new_key_sts_never_accepts_is_undone_and_the_old_one_put_back()
    {
        _rejectNewKeys = int.MaxValue;

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("STS did not accept the new key within 30 s"));
        Assert.That(_host.Iam.Keys.Select(k => k.AccessKeyId), Is.EqualTo(new[] { OldId }));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(OldId));
        var list = await _host.RunAsync("keys", "list");
        Assert.That(list.Stdout, Does.Contain("AKIA...E001"));
    }

    [Test]
    public async Task An_old_key_that_cannot_be_deleted_leaves_the_new_one_stored_and_says_what_to_do()
    {
        _host.Iam.DeleteFails = new AwsmfaException(ExitCodes.AuthenticationRejected, "IAM refused DeleteAccessKey: AccessDenied");

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("the new key AKIA...0001 is in the fake keyring and works").And.Contain($"aws iam delete-access-key --user-name alice --access-key-id {OldId}"));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo("AKIANEWKEY0000000001"));
    }

    [Test]
    public async Task Keys_outside_the_keyring_are_not_rotated()
    {
        _host.WriteCredentials($"[plain]\naws_access_key_id = {OldId}\naws_secret_access_key = {Secret}\n");

        var result = await _host.RunAsync("keys", "rotate", "--profile", "plain", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("awsmfa keys import --profile plain"));
        Assert.That(_host.Iam.Calls, Is.Empty);
    }

    [TestCase("arn:aws:iam::123456789012:user/alice", "alice")]
    [TestCase("arn:aws:iam::123456789012:user/division/team/bob", "bob")]
    [TestCase("arn:aws-cn:iam::123456789012:user/carol", "carol")]
    [TestCase("arn:aws:iam::123456789012:root", null)]
    [TestCase("arn:aws:sts::123456789012:assumed-role/admin/x", null)]
    public void The_user_name_comes_from_an_iam_user_arn_only(string arn, string? user) =>
        Assert.That(Awsmfa.Cli.Keys.KeysRotateHandler.UserName(arn), Is.EqualTo(user));

    [Test]
    public async Task A_throttled_sts_is_waited_out_and_then_the_rotation_is_undone()
    {
        _host.Aws.Sts.Setup(s => s.GetCallerIdentityAsync(It.IsAny<GetCallerIdentityRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() => _host.Aws.StsClients[^1].Credentials.AccessKeyId == OldId
                ? Task.FromResult(new GetCallerIdentityResponse { Arn = "arn:aws:iam::123456789012:user/alice" })
                : Task.FromException<GetCallerIdentityResponse>(StsErrors.Throttling()));

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("rotation undone: STS did not accept the new key within 30 s"));
        Assert.That(_host.Iam.Keys.Select(k => k.AccessKeyId), Is.EqualTo(new[] { OldId }));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(OldId));
    }

    [Test]
    public async Task A_record_that_cannot_be_written_undoes_the_rotation()
    {
        var index = Path.Combine(_host.Home, ".aws", "awsmfa", "keys.json");
        // Read at the start; between CreateAccessKey and its update, the record becomes a folder.
        _host.Iam.AfterCreate = () =>
        {
            File.Delete(index);
            Directory.CreateDirectory(index);
        };

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("rotation undone: could not write"));
        Assert.That(_host.Iam.Keys.Select(k => k.AccessKeyId), Is.EqualTo(new[] { OldId }));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(OldId));
    }

    [Test]
    public async Task A_plaintext_copy_stops_the_rotation_before_any_change()
    {
        _host.WriteCredentials($"[prod]\naws_access_key_id = {OldId}\naws_secret_access_key = {Secret}\n");

        var result = await RotateAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("awsmfa keys import --profile prod"));
        Assert.That(_host.Iam.Calls, Is.Empty);
    }
}
