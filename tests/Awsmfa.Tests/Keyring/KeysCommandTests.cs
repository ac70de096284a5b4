using System.Text.Json;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;
using Awsmfa.Keyring;
using Awsmfa.Tests.Support;
using Moq;

namespace Awsmfa.Tests.Keyring;

/// <summary><c>keys add | list | remove | import</c> and the keyring root, argv to behaviour, with a keyring in memory.</summary>
[TestFixture]
[Category("Unit")]
public sealed class KeysCommandTests
{
    private const string KeyId = "AKIAKEYRINGEXAMPLE01";
    private const string Secret = "KeyringSecretKeyringSecretKeyringSecret1";
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost();
        _host.WriteConfig($"""
            [profile prod]
            mfa_serial = {TestHost.Serial}
            region = eu-west-1
            """);
        _host.WriteCredentials("");
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private string IndexFile => Path.Combine(_host.Home, ".aws", "awsmfa", "keys.json");

    private Task<CliResult> AddFromStdinAsync(string profile = "prod", params string[] extra)
    {
        _host.Stdin = $"{KeyId}\n{Secret}\n";
        return _host.RunAsync(["keys", "add", "--profile", profile, "--stdin", .. extra]);
    }

    [Test]
    public async Task Add_from_stdin_stores_the_keys_and_session_get_signs_with_them()
    {
        var added = await AddFromStdinAsync();
        var session = await _host.RunAsync("session", "get", "--profile", "prod", "-t", "123456");

        Assert.That(added.ExitCode, Is.EqualTo(0), added.ToString());
        Assert.That(added.Stderr, Does.Contain("stored the keys of profile 'prod' (AKIA...LE01) in the fake keyring"));
        Assert.That(_host.Keyring.Items["prod"], Is.EqualTo(new LongTermCredentials(KeyId, Secret)));
        Assert.That(session.ExitCode, Is.EqualTo(0), session.ToString());
        Assert.That(_host.Aws.StsClients.Select(c => c.Credentials.AccessKeyId), Is.EqualTo(new[] { KeyId }), "GetSessionToken signed with the keyring's key");
        Assert.That(File.ReadAllText(IndexFile), Does.Contain(KeyId).And.Not.Contain(Secret));
        Assert.That(File.ReadAllText(_host.CredentialsFile), Is.Empty, "nothing written in plaintext");
    }

    [Test]
    public async Task A_cached_session_never_opens_the_keyring()
    {
        await AddFromStdinAsync();
        await _host.RunAsync("session", "get", "--profile", "prod", "-t", "123456");
        var opensAfterTheMiss = _host.Keyring.Opens;
        _host.Keyring.Unavailable = "no D-Bus";

        var cached = await _host.RunAsync("session", "get", "--profile", "prod");

        Assert.That(cached.ExitCode, Is.EqualTo(0), cached.ToString());
        Assert.That(_host.Keyring.Opens, Is.EqualTo(opensAfterTheMiss));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Add_asks_on_the_terminal_with_the_secret_unechoed()
    {
        _host.Terminal.Answer(KeyId, Secret);

        var result = await _host.RunAsync("keys", "add", "--profile", "prod");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_host.Terminal.SecretPrompts, Is.EqualTo(new[] { "Secret access key: " }));
        Assert.That(_host.Terminal.Shown, Does.Contain("Access key ID: "));
        Assert.That(result.Stdout + result.Stderr, Does.Not.Contain(Secret));
    }

    [Test]
    public async Task Add_from_env_takes_the_variables_and_refuses_session_credentials()
    {
        _host.Environment["AWS_ACCESS_KEY_ID"] = KeyId;
        _host.Environment["AWS_SECRET_ACCESS_KEY"] = Secret;
        var added = await _host.RunAsync("keys", "add", "--profile", "prod", "--from-env");
        _host.Environment["AWS_SESSION_TOKEN"] = "token";
        var refused = await _host.RunAsync("keys", "add", "--profile", "other", "--from-env");

        Assert.That(added.ExitCode, Is.EqualTo(0), added.ToString());
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(KeyId));
        Assert.That(refused.ExitCode, Is.EqualTo(2));
        Assert.That(refused.Stderr, Does.Contain("AWS_SESSION_TOKEN is set"));
        Assert.That(_host.Keyring.Items.ContainsKey("other"), Is.False);
    }

    [TestCase("ASIATEMPORARYKEY0001", Secret, "not an IAM user's access key id")]
    [TestCase("akiakeyringexample01", Secret, "not an IAM user's access key id")]
    [TestCase(KeyId, "short", "not a secret access key")]
    [TestCase(KeyId, "", "--stdin reads two lines")]
    public async Task Add_checks_the_shape_of_the_keys_and_never_echoes_them(string id, string secret, string message)
    {
        _host.Stdin = $"{id}\n{secret}\n";

        var result = await _host.RunAsync("keys", "add", "--profile", "prod", "--stdin");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1));
        Assert.That(result.Stderr.IndexOf(id, StringComparison.Ordinal), Is.EqualTo(id.Length > 0 ? -1 : 0), "the key id is never echoed");
        Assert.That(result.Stderr.IndexOf(secret, StringComparison.Ordinal), Is.EqualTo(secret.Length > 0 ? -1 : 0), "the secret is never echoed");
        Assert.That(_host.Keyring.Items, Is.Empty);
    }

    [Test]
    public async Task Replacing_other_keys_asks_first_and_needs_yes_without_a_terminal()
    {
        _host.Keyring.Items["prod"] = new LongTermCredentials("AKIAOLDKEYEXAMPLE001", Secret);

        var refused = await AddFromStdinAsync();
        _host.Terminal.Answer("n");
        var declined = await AddFromStdinAsync();
        var confirmed = await AddFromStdinAsync("prod", "--yes");

        Assert.That(refused.ExitCode, Is.EqualTo(2));
        Assert.That(refused.Stderr, Does.Contain("pass --yes"));
        Assert.That(declined.ExitCode, Is.EqualTo(1));
        Assert.That(_host.Terminal.Shown, Has.Some.Contains("The fake keyring holds AKIA...E001 for profile 'prod'; replace it with the key AKIA...LE01? [y/N]"));
        Assert.That(confirmed.ExitCode, Is.EqualTo(0), confirmed.ToString());
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(KeyId));
    }

    [Test]
    public async Task With_no_keyring_add_is_exit_2_in_one_line_and_writes_nothing()
    {
        _host.Keyring.Unavailable = "no Secret Service reachable: there is no D-Bus session";

        var result = await AddFromStdinAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: no Secret Service reachable: there is no D-Bus session\n"));
        Assert.That(File.Exists(IndexFile), Is.False);
        Assert.That(File.ReadAllText(_host.CredentialsFile), Is.Empty);
    }

    [Test]
    public async Task List_shows_masked_keys_from_the_index_when_the_keyring_cannot_be_read()
    {
        await AddFromStdinAsync();
        _host.Keyring.Unavailable = "locked";

        var table = await _host.RunAsync("keys", "list");
        var json = await _host.RunAsync("keys", "list", "-o", "json");

        Assert.That(table.ExitCode, Is.EqualTo(0), table.ToString());
        Assert.That(table.Stdout, Does.StartWith("PROFILE  ACCESS KEY   BACKEND  ADDED"));
        Assert.That(table.Stdout, Does.Contain("prod     AKIA...LE01  fake     2026-11-28T12:00:00Z"));
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.That(document.RootElement[0].GetProperty("AccessKey").GetString(), Is.EqualTo("AKIA...LE01"));
        Assert.That(table.Stdout + json.Stdout, Does.Not.Contain(KeyId).And.Not.Contain(Secret));
        Assert.That(table.Stderr, Is.EqualTo("awsmfa: warning: the keyring could not be read to check keys.json against it (locked); showing keys.json as it is\n"));
    }

    [Test]
    public async Task Remove_asks_on_a_terminal_and_forgets_the_profile()
    {
        await AddFromStdinAsync();
        var refused = await _host.RunAsync("keys", "remove", "--profile", "prod");
        _host.Terminal.Answer("y");
        var removed = await _host.RunAsync("keys", "remove", "--profile", "prod");
        var again = await _host.RunAsync("keys", "remove", "--profile", "prod", "--yes");
        var session = await _host.RunAsync("session", "get", "--profile", "prod", "-t", "123456");

        Assert.That(refused.ExitCode, Is.EqualTo(2));
        Assert.That(removed.ExitCode, Is.EqualTo(0), removed.ToString());
        Assert.That(_host.Keyring.Items, Is.Empty);
        Assert.That(again.ExitCode, Is.EqualTo(2));
        Assert.That(again.Stderr, Does.Contain("holds no keys for profile 'prod'"));
        Assert.That(session.ExitCode, Is.EqualTo(2));
        Assert.That(session.Stderr, Does.Contain("awsmfa keys add --profile prod"));
    }

    [Test]
    public async Task Import_moves_the_keys_and_removes_exactly_their_lines()
    {
        var credentials = $"# my keys\r\n[other]\r\naws_access_key_id = AKIAOTHERKEY00000001\r\naws_secret_access_key = {Secret}\r\n\r\n[prod]\r\n; prod keys\r\naws_access_key_id = {KeyId}\r\naws_secret_access_key = {Secret}\r\nregion = eu-west-1\r\n";
        _host.WriteCredentials(credentials);
        File.SetUnixFileMode(_host.CredentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var before = await _host.RunAsync("session", "get", "--profile", "prod", "-t", "123456");

        var imported = await _host.RunAsync("keys", "import", "--profile", "prod");
        var after = await _host.RunAsync("session", "get", "--profile", "prod");

        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.ToString());
        Assert.That(File.ReadAllText(_host.CredentialsFile), Is.EqualTo(
            $"# my keys\r\n[other]\r\naws_access_key_id = AKIAOTHERKEY00000001\r\naws_secret_access_key = {Secret}\r\n\r\n[prod]\r\n; prod keys\r\nregion = eu-west-1\r\n"));
        Assert.That(File.GetUnixFileMode(_host.CredentialsFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead));
        Assert.That(_host.Keyring.Items["prod"], Is.EqualTo(new LongTermCredentials(KeyId, Secret)));
        Assert.That(before.ExitCode, Is.EqualTo(0), before.ToString());
        Assert.That(after.ExitCode, Is.EqualTo(0), after.ToString());
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1), "the session cached before the move still serves: its key did not change");
    }

    [Test]
    [Platform(Exclude = "Win", Reason = "hard links through link(2)")]
    public async Task Import_from_a_file_with_another_hard_link_says_that_name_keeps_the_keys()
    {
        _host.WriteCredentials($"[prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\n");
        var other = Path.Combine(_host.Home, "credentials-backup");
        using (var ln = System.Diagnostics.Process.Start("ln", [_host.CredentialsFile, other])!)
        {
            await ln.WaitForExitAsync();
        }

        var imported = await _host.RunAsync("keys", "import", "--profile", "prod");

        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.ToString());
        Assert.That(imported.Stderr, Does.Contain($"awsmfa: warning: {_host.CredentialsFile} has 2 hard links: the keys are removed from this name only, and the file's other name keeps them"));
        Assert.That(File.ReadAllText(other), Does.Contain(Secret), "the other link is the old file, keys and all");
    }

    [Test]
    public async Task Keys_list_believes_the_keyring_over_keys_json_and_cleans_what_keys_json_says()
    {
        _host.Stdin = $"{KeyId}\n{Secret}\n";
        Assert.That((await _host.RunAsync("keys", "add", "--profile", "prod", "--stdin")).ExitCode, Is.Zero);
        // A rotation killed between storing the new key and recording it.
        _host.Keyring.Items["prod"] = new LongTermCredentials("AKIANEWKEY0000000001", Secret);

        var list = await _host.RunAsync("keys", "list");
        var again = await _host.RunAsync("keys", "list");
        // A backend name with escape sequences, written into keys.json by someone else.
        File.WriteAllText(IndexFile, File.ReadAllText(IndexFile).Replace("\"fake\"", "\"fake\\u001b]0;pwned\\u0007\"", StringComparison.Ordinal));
        var hostile = await _host.RunAsync("keys", "list");

        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        Assert.That(list.Stdout, Does.Contain("AKIA...0001"), "the keyring's key");
        Assert.That(list.Stderr, Does.Contain("keys.json names AKIA...LE01 for profile 'prod', but the keyring holds AKIA...0001"));
        Assert.That(again.Stderr, Is.EqualTo(list.Stderr), "keys.json is left for keys rotate, which deletes the old key by it");
        Assert.That(hostile.ExitCode, Is.Zero, hostile.ToString());
        Assert.That(hostile.Stdout.IndexOfAny(['\u001b', '\u0007']), Is.EqualTo(-1), "no control character reaches the table");
        Assert.That(hostile.Stdout, Does.Not.Contain("pwned"), "the escape sequence goes whole");
    }

    [Test]
    public async Task Import_takes_a_stale_session_token_line_with_the_keys()
    {
        _host.WriteCredentials($"[prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\naws_session_token = stale\noutput = json\n");

        var imported = await _host.RunAsync("keys", "import", "--profile", "prod");

        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.ToString());
        Assert.That(File.ReadAllText(_host.CredentialsFile), Is.EqualTo("[prod]\noutput = json\n"));
    }

    [Test]
    public async Task Import_touches_nothing_when_the_keyring_cannot_store()
    {
        var credentials = $"[prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\n";
        _host.WriteCredentials(credentials);
        _host.Keyring.RefuseWrites = "the keyring is locked";

        var result = await _host.RunAsync("keys", "import", "--profile", "prod");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: the keyring is locked\n"));
        Assert.That(File.ReadAllText(_host.CredentialsFile), Is.EqualTo(credentials));
        Assert.That(File.Exists(IndexFile), Is.False);
    }

    [Test]
    public async Task With_keys_in_both_places_the_keyring_wins_with_one_warning()
    {
        await AddFromStdinAsync();
        _host.WriteCredentials($"[prod]\naws_access_key_id = AKIAPLAINTEXTCOPY001\naws_secret_access_key = {Secret}\n");
        var stale = await _host.RunAsync("session", "get", "--profile", "prod", "-t", "123456");
        _host.WriteCredentials($"[prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\n");
        var copy = await _host.RunAsync("session", "get", "--profile", "prod", "-t", "234567", "--refresh");
        var cached = await _host.RunAsync("session", "get", "--profile", "prod");

        Assert.That(stale.ExitCode, Is.EqualTo(0), stale.ToString());
        Assert.That(_host.Aws.StsClients.Select(c => c.Credentials.AccessKeyId).Distinct(), Is.EqualTo(new[] { KeyId }));
        Assert.That(stale.Stderr, Does.Contain("the credentials file holds another key (AKIA...Y001) than the keyring's (AKIA...LE01), which is used"));
        Assert.That(copy.Stderr.Split('\n').Count(l => l.Contains("plaintext copy remains", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(copy.Stderr, Does.Contain("awsmfa keys import --profile prod"));
        Assert.That(cached.Stderr, Does.Not.Contain("plaintext"), "a cached answer reads neither the keyring nor says more");
    }

    [Test]
    public async Task An_unreadable_keyring_falls_back_to_a_plaintext_copy_with_a_warning()
    {
        await AddFromStdinAsync();
        _host.WriteCredentials($"[prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\n");
        _host.Keyring.Unavailable = "no Secret Service reachable";

        var withCopy = await _host.RunAsync("session", "get", "--profile", "prod", "-t", "123456");
        _host.WriteCredentials("");
        var withoutCopy = await _host.RunAsync("session", "get", "--profile", "prod", "-t", "234567", "--refresh");

        Assert.That(withCopy.ExitCode, Is.EqualTo(0), withCopy.ToString());
        Assert.That(withCopy.Stderr, Does.Contain("no Secret Service reachable; using the plaintext copy of profile 'prod'"));
        Assert.That(withCopy.Stderr.Split('\n').Count(l => l.Contains("warning", StringComparison.Ordinal) || l.Contains("plaintext", StringComparison.Ordinal)), Is.EqualTo(1), "one line: " + withCopy.Stderr);
        Assert.That(withoutCopy.ExitCode, Is.EqualTo(2));
        Assert.That(withoutCopy.Stderr, Does.Contain("no Secret Service reachable"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_profile_with_keys_only_in_the_keyring_needs_no_section_anywhere()
    {
        _host.WriteConfig("");
        await AddFromStdinAsync("solo");

        var result = await _host.RunAsync("session", "get", "--profile", "solo", "--serial-number", TestHost.Serial, "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_host.Aws.StsClients.Single().Credentials.AccessKeyId, Is.EqualTo(KeyId));
    }

    [Test]
    public async Task A_role_profile_reaches_keyring_keys_through_source_profile()
    {
        _host.WriteConfig($"""
            [profile prod]
            mfa_serial = {TestHost.Serial}
            [profile admin]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = prod
            """);
        await AddFromStdinAsync();

        var result = await _host.RunAsync("session", "get", "--profile", "admin", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_host.Aws.StsClients.Select(c => c.Credentials.AccessKeyId).Distinct(), Is.EqualTo(new[] { KeyId }));
        Assert.That(_host.Aws.RoleCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Profile_list_and_doctor_know_keyring_profiles_and_a_plaintext_copy()
    {
        _host.WriteConfig($"[profile prod]\nmfa_serial = {TestHost.Serial}\n");
        await AddFromStdinAsync("solo");
        await AddFromStdinAsync("prod");
        _host.WriteCredentials($"[prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\n");

        var list = await _host.RunAsync("profile", "list");
        var doctor = await _host.RunAsync("doctor", "--profile", "prod", "-o", "json");

        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());
        Assert.That(list.Stdout, Does.Match(@"(?m)^prod\s+keyring\b").And.Match(@"(?m)^solo\s+keyring\b"));
        Assert.That(doctor.Stdout, Does.Contain("keys in the OS keyring").And.Contain("a plaintext copy in the credentials file: remove it with awsmfa keys import --profile prod"));
        Assert.That(_host.Keyring.Opens, Is.EqualTo(2), "only the two adds opened the keyring");
    }

    [Test]
    public async Task Import_refuses_when_the_files_hold_another_pair_and_changes_nothing()
    {
        var credentials = $"[prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\n";
        var config = $"[profile prod]\nmfa_serial = {TestHost.Serial}\naws_access_key_id = AKIACONFIGFILE000002\naws_secret_access_key = {Secret}\n";
        _host.WriteCredentials(credentials);
        _host.WriteConfig(config);

        var result = await _host.RunAsync("keys", "import", "--profile", "prod");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("has other keys too (AKIA...0002 in [profile prod] of").And.Contain("nothing was changed"));
        Assert.That(File.ReadAllText(_host.CredentialsFile), Is.EqualTo(credentials));
        Assert.That(File.ReadAllText(_host.ConfigFile), Is.EqualTo(config));
        Assert.That(_host.Keyring.Items, Is.Empty);
    }

    [Test]
    public async Task Import_finds_a_profile_section_in_the_credentials_file_and_keeps_every_other_byte()
    {
        var head = new byte[] { 0xEF, 0xBB, 0xBF };
        var latin1 = new byte[] { (byte)'#', (byte)' ', (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n' };
        var rest = System.Text.Encoding.ASCII.GetBytes($"[profile prod]\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\nregion = eu-west-1\n");
        File.WriteAllBytes(_host.CredentialsFile, [.. head, .. latin1, .. rest]);

        var result = await _host.RunAsync("keys", "import", "--profile", "prod");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(File.ReadAllBytes(_host.CredentialsFile), Is.EqualTo((byte[])[.. head, .. latin1, .. System.Text.Encoding.ASCII.GetBytes("[profile prod]\nregion = eu-west-1\n")]));
        Assert.That(result.Stderr, Does.Contain("removed them from " + _host.CredentialsFile));
    }

    [Test]
    public async Task Import_refuses_keys_not_in_the_shape_aws_issues_before_opening_the_keyring()
    {
        _host.Keyring.Items["prod"] = new LongTermCredentials(KeyId, Secret);
        _host.WriteCredentials("[prod]\naws_access_key_id = AKIAKEYRINGEXAMPLE09\naws_secret_access_key = short # a comment\n");

        var result = await _host.RunAsync("keys", "import", "--profile", "prod", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("not in the shape AWS issues"));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(KeyId), "the good keys were not replaced");
        Assert.That(_host.Keyring.Opens, Is.Zero);
    }

    [Test]
    public async Task An_unreadable_item_is_replaced_after_asking()
    {
        _host.Keyring.Unreadable.Add("prod");

        var refused = await AddFromStdinAsync();
        var replaced = await AddFromStdinAsync("prod", "--yes");

        Assert.That(refused.ExitCode, Is.EqualTo(2));
        Assert.That(refused.Stderr, Does.Contain("pass --yes"));
        Assert.That(replaced.ExitCode, Is.EqualTo(0), replaced.ToString());
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo(KeyId));
    }

    [Test]
    public async Task When_the_record_cannot_be_written_the_keyring_is_set_back()
    {
        _host.Keyring.Items["prod"] = new LongTermCredentials("AKIAOLDKEYEXAMPLE001", Secret);
        Directory.CreateDirectory(Path.Combine(_host.Home, ".aws"));
        File.WriteAllText(Path.Combine(_host.Home, ".aws", "awsmfa"), "a file where the folder should be");

        var result = await AddFromStdinAsync("prod", "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("could not write"));
        Assert.That(_host.Keyring.Items["prod"].AccessKeyId, Is.EqualTo("AKIAOLDKEYEXAMPLE001"));
    }

    [Test]
    public async Task A_broken_record_does_not_stop_profiles_with_keys_in_the_file()
    {
        _host.WithBaseProfile();
        Directory.CreateDirectory(Path.GetDirectoryName(IndexFile)!);
        File.WriteAllText(IndexFile, "{ not json");

        var session = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");
        var list = await _host.RunAsync("keys", "list");

        Assert.That(session.ExitCode, Is.EqualTo(0), session.ToString());
        Assert.That(session.Stderr, Does.Contain("could not read " + IndexFile));
        Assert.That(list.ExitCode, Is.EqualTo(2));
        Assert.That(File.ReadAllText(IndexFile), Is.EqualTo("{ not json"));
    }
}
