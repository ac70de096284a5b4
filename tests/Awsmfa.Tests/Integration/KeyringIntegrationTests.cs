using System.Text;
using System.Xml.Linq;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// <c>awsmfa keys</c> through the installed tool, against a real Secret Service (gnome-keyring on
/// a private D-Bus session) and moto_server's IAM and STS.
/// </summary>
[TestFixture]
[Category("Integration")]
[Platform(Include = "Linux", Reason = "the Secret Service backend; Windows and macOS have their own keyrings")]
public sealed class KeyringIntegrationTests : MotoToolTest
{
    private static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";
    private SecretServiceDaemon? _keyring;
    private string _keyId = null!;
    private string _secret = null!;

    [SetUp]
    public async Task StartAKeyringAndAUser()
    {
        _keyring = await SecretServiceDaemon.StartOrIgnoreAsync(Tool.Home);
        foreach (var (name, value) in _keyring.Environment)
        {
            Tool.Environment[name] = value;
        }

        Tool.Environment["AWS_ENDPOINT_URL"] = Moto.Url;
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), $"""
            [profile prod]
            mfa_serial = {ToolProcess.Serial}
            region = us-east-1
            """);
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "credentials"), "");
        (_keyId, _secret) = await Moto.CreateUserWithKeyAsync("alice");
    }

    [TearDown]
    public void StopTheKeyring() => _keyring?.Dispose();

    private string CredentialsFile => Path.Combine(Tool.AwsFolder, "credentials");

    private Task<CliResult> AddAsync() => Tool.RunAsync($"{_keyId}\n{_secret}\n", "keys", "add", "--profile", "prod", "--stdin");

    private Task<XElement> IamAsync(string action, params (string Name, string Value)[] parameters) => Moto.IamAsync(action, parameters);

    private async Task<List<string>> IamKeyIdsAsync() =>
        [.. (await IamAsync("ListAccessKeys", ("UserName", "alice"))).Descendants(Iam + "AccessKeyId").Select(e => (string)e)];

    [Test]
    public async Task Keys_from_stdin_live_only_in_the_keyring_and_sign_the_session_and_a_cache_hit_needs_no_dbus()
    {
        var added = await AddAsync();
        var stored = await _keyring!.SecretToolAsync("search", "--all", "application", "awsmfa");
        var session = await Tool.RunAsync(null, "session", "get", "--profile", "prod", "-t", "123456", "-o", "json");
        var list = await Tool.RunAsync(null, "keys", "list");

        Assert.That(added.ExitCode, Is.EqualTo(0), added.ToString());
        Assert.That(stored.Stdout + stored.Stderr, Does.Contain("label = awsmfa: profile prod").And.Contain("attribute.profile = prod").And.Contain(_keyId));
        // Every file of the home but the daemon's sockets: the keyring's own file is encrypted.
        foreach (var file in Directory.EnumerateFiles(Tool.Home, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(Path.Combine(Tool.Home, "run"), StringComparison.Ordinal)))
        {
            Assert.That(File.ReadAllText(file).IndexOf(_secret, StringComparison.Ordinal), Is.EqualTo(-1), $"the secret is in {file}");
        }

        Assert.That(session.ExitCode, Is.EqualTo(0), session.ToString());
        Assert.That(Moto.HeadersOf("GetSessionToken").Single()["Authorization"], Does.Contain($"Credential={_keyId}/"), "GetSessionToken signed with the keyring's key");
        Assert.That(list.Stdout, Does.Contain($"prod     {_keyId[..4]}...{_keyId[^4..]}  secret-service"));
        Assert.That(list.Stdout.IndexOf(_keyId, StringComparison.Ordinal), Is.EqualTo(-1));

        _keyring.Dispose();
        _keyring = null;
        Tool.Environment["DBUS_SESSION_BUS_ADDRESS"] = "";
        var cached = await Tool.RunAsync(null, "session", "get", "--profile", "prod", "-o", "json");

        Assert.That(cached.ExitCode, Is.EqualTo(0), cached.ToString());
        Assert.That(cached.Stdout, Is.EqualTo(session.Stdout));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task On_a_terminal_add_asks_for_both_and_the_secret_is_not_echoed()
    {
        var stderr = Path.Combine(Tool.Home, "stderr");
        var start = Tool.OnTerminal($"{ToolProcess.ShellCommand} keys add --profile prod 2> '{stderr}' < /dev/null");
        using var process = System.Diagnostics.Process.Start(start)!;
        var seen = new StringBuilder();
        var buffer = new char[4096];

        async Task WaitForAsync(string text)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!seen.ToString().Contains(text, StringComparison.Ordinal))
            {
                var read = await process.StandardOutput.ReadAsync(buffer, timeout.Token);
                Assert.That(read, Is.GreaterThan(0), $"the terminal ended before '{text}': {seen}");
                seen.Append(buffer, 0, read);
            }
        }

        // Each answer is typed only once its prompt is up, as a person does: typed ahead, the
        // terminal would echo the secret before awsmfa could turn echo off.
        await WaitForAsync("Access key ID: ");
        await process.StandardInput.WriteAsync(_keyId + "\n");
        await WaitForAsync("Secret access key: ");
        await process.StandardInput.WriteAsync(_secret + "\n");
        await process.StandardInput.FlushAsync();
        seen.Append(await process.StandardOutput.ReadToEndAsync());
        await process.WaitForExitAsync();
        var lookup = await _keyring!.SecretToolAsync("lookup", "application", "awsmfa", "profile", "prod");

        Assert.That(process.ExitCode, Is.EqualTo(0), seen + File.ReadAllText(stderr));
        Assert.That(seen.ToString(), Does.Contain(_keyId), "the key id is echoed as typed");
        Assert.That(seen.ToString().IndexOf(_secret, StringComparison.Ordinal), Is.EqualTo(-1), "the secret is not echoed: " + seen);
        Assert.That(lookup.Stdout, Does.Contain(_secret.Replace("+", "\\u002B", StringComparison.Ordinal)).Or.Contain(_secret));
    }

    [Test]
    public async Task Import_moves_the_keys_out_of_the_file_and_keeps_everything_else()
    {
        File.WriteAllText(CredentialsFile, $"# work\n[other]\naws_access_key_id = AKIAOTHERKEY00000001\naws_secret_access_key = {_secret}\n\n[prod]\naws_access_key_id = {_keyId}\naws_secret_access_key = {_secret}\n# end\n");
        File.SetUnixFileMode(CredentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var imported = await Tool.RunAsync(null, "keys", "import", "--profile", "prod");
        var lookup = await _keyring!.SecretToolAsync("lookup", "application", "awsmfa", "profile", "prod");
        var session = await Tool.RunAsync(null, "session", "get", "--profile", "prod", "-t", "123456");

        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.ToString());
        Assert.That(File.ReadAllText(CredentialsFile), Is.EqualTo($"# work\n[other]\naws_access_key_id = AKIAOTHERKEY00000001\naws_secret_access_key = {_secret}\n\n[prod]\n# end\n"));
        Assert.That(File.GetUnixFileMode(CredentialsFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(lookup.Stdout, Does.Contain(_keyId));
        Assert.That(session.ExitCode, Is.EqualTo(0), session.ToString());
        Assert.That(Moto.HeadersOf("GetSessionToken").Single()["Authorization"], Does.Contain($"Credential={_keyId}/"));
    }

    [Test]
    public async Task Rotate_replaces_the_key_in_iam_and_in_the_keyring_then_remove_empties_it()
    {
        await AddAsync();

        var rotated = await Tool.RunAsync(null, TimeSpan.FromSeconds(90), "keys", "rotate", "--profile", "prod", "-t", "123456");
        var keys = await IamKeyIdsAsync();
        var lookup = await _keyring!.SecretToolAsync("lookup", "application", "awsmfa", "profile", "prod");

        Assert.That(rotated.ExitCode, Is.EqualTo(0), rotated.ToString());
        Assert.That(keys, Has.Count.EqualTo(1));
        Assert.That(keys[0], Is.Not.EqualTo(_keyId));
        Assert.That(lookup.Stdout, Does.Contain(keys[0]).And.Not.Contain(_keyId));
        Assert.That(rotated.Stderr, Does.Contain($"the new key {keys[0][..4]}...{keys[0][^4..]} is in the secret-service keyring"));

        var removed = await Tool.RunAsync(null, "keys", "remove", "--profile", "prod", "--yes");
        var after = await _keyring.SecretToolAsync("search", "--all", "application", "awsmfa");

        Assert.That(removed.ExitCode, Is.EqualTo(0), removed.ToString());
        Assert.That(after.Stdout, Is.Empty);
        Assert.That(await IamKeyIdsAsync(), Is.EqualTo(keys), "remove leaves IAM alone");
    }

    [Test]
    public async Task With_no_secret_service_add_says_what_is_missing_and_writes_nothing()
    {
        _keyring!.Dispose();
        _keyring = null;
        Tool.Environment["DBUS_SESSION_BUS_ADDRESS"] = "";

        var result = await AddAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: no Secret Service reachable: there is no D-Bus session").And.Contain("gnome-keyring-daemon"));
        Assert.That(result.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        Assert.That(File.ReadAllText(CredentialsFile), Is.Empty);
        Assert.That(File.Exists(Path.Combine(Tool.AwsFolder, "awsmfa", "keys.json")), Is.False);
    }
}
