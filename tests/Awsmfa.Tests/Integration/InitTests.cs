using System.Text.RegularExpressions;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// <c>awsmfa init</c> through the built tool on a terminal, against moto's IAM and STS: from an
/// empty home to a working MFA session, the QR code read off the terminal as a phone would;
/// Ctrl-C leaves nothing; a second run changes only what is asked.
/// </summary>
[TestFixture]
[Category("Integration")]
[Platform(Include = "Linux,MacOsX", Reason = "script(1) gives awsmfa a terminal")]
public sealed class InitTests : MotoToolTest
{
    private string _keyId = null!;
    private string _secret = null!;

    private string Credentials => Path.Combine(Tool.AwsFolder, "credentials");

    private string Config => Path.Combine(Tool.AwsFolder, "config");

    [SetUp]
    public async Task AUserWithKeysAndAnEmptyHome()
    {
        (_keyId, _secret) = await Moto.CreateUserWithKeyAsync("alice");
        Directory.Delete(Tool.AwsFolder, recursive: true);
        Tool.Environment.Remove("AWS_SHARED_CREDENTIALS_FILE");
        Tool.Environment.Remove("AWS_CONFIG_FILE");
        Tool.Environment["AWS_ENDPOINT_URL"] = Moto.Url;
        Tool.Environment["SHELL"] = "/bin/bash";
        // No keyring answers here: init asks before it writes the keys in plaintext.
        Tool.Environment["AWSMFA_KEYRING"] = "secret-service";
        Tool.Environment["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + Path.Combine(Tool.Home, "no-bus");
        Tool.Environment["XDG_RUNTIME_DIR"] = Path.Combine(Tool.Home, "no-runtime");
    }

    private TerminalSession Init(string arguments = "") => new(Tool, $"{ToolProcess.ShellCommand} init {arguments}");

    private async Task<List<string>> VirtualDevicesAsync() =>
        [.. (await Moto.IamAsync("ListVirtualMFADevices")).Descendants(MotoServer.Iam + "SerialNumber").Select(e => (string)e)];

    /// <summary>The first run, answered as a new user would; the seed as the phone read it off the terminal.</summary>
    private async Task<string> FirstRunAsync(TerminalSession terminal)
    {
        await terminal.ExpectAsync("Profile name [default]: ");
        await terminal.TypeAsync("\n");
        await terminal.ExpectAsync("Access key ID: ");
        await terminal.TypeAsync(_keyId + "\n");
        await terminal.ExpectAsync("Secret access key: ");
        await terminal.TypeAsync(_secret + "\n");
        await terminal.ExpectAsync("IAM user alice's, in account 123456789012");
        await terminal.ExpectAsync("[y/N] ");
        await terminal.TypeAsync("y\n");
        await terminal.ExpectAsync("Region [us-east-1]: ");
        await terminal.TypeAsync("eu-west-1\n");
        await terminal.ExpectAsync("First code from the app: ");
        var uri = await QrReader.ReadTerminalAsync(terminal.Seen, Tool.Home);
        return Regex.Match(uri, "^otpauth://totp/Amazon%20Web%20Services%3Aalice%40123456789012\\?secret=(?<seed>[A-Z2-7]+)&").Groups["seed"].Value;
    }

    [Test]
    public async Task From_an_empty_home_to_a_working_session_with_the_qr_code_read_off_the_terminal()
    {
        using var terminal = Init();
        var seed = await FirstRunAsync(terminal);
        Assert.That(seed, Is.Not.Empty, terminal.Seen);
        Assert.That(File.Exists(Config) || File.Exists(Credentials), Is.False, "nothing is written before every answer is in");
        var step = TestTotp.Now;
        await terminal.TypeAsync(TestTotp.Code(seed, step) + "\n");
        await terminal.ExpectAsync("Next code");
        await terminal.TypeAsync(TestTotp.Code(seed, step + 1) + "\n");
        await terminal.ExpectAsync("MFA code for arn:aws:iam::123456789012:mfa/alice");
        await terminal.TypeAsync(TestTotp.Code(seed, step + 2) + "\n");
        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.Zero, terminal.Seen);
        Assert.That(terminal.Seen, Does.Contain("eval \"$(awsmfa session get)\"").And.Contain("~/.bashrc"));
        Assert.That(terminal.Seen, Does.Not.Contain(_secret), "the secret is not echoed");
        Assert.That(File.ReadAllText(Credentials), Is.EqualTo($"[default]\naws_access_key_id = {_keyId}\naws_secret_access_key = {_secret}\n"));
        Assert.That(File.GetUnixFileMode(Credentials), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.ReadAllText(Config), Is.EqualTo("[default]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n"));
        Assert.That(Moto.CountCalls("EnableMFADevice"), Is.EqualTo(1));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));

        // What init set up is what session get serves: the cached session, no code.
        var again = await Tool.RunAsync(null, "session", "get", "-o", "json");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task Ctrl_C_at_the_device_leaves_no_file_and_no_device()
    {
        using var terminal = Init();
        await FirstRunAsync(terminal);
        Assert.That(await VirtualDevicesAsync(), Has.Count.EqualTo(1));
        await terminal.TypeAsync("\u0003");
        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.EqualTo(130), terminal.Seen);
        Assert.That(await VirtualDevicesAsync(), Is.Empty, terminal.Seen);
        Assert.That(File.Exists(Config) || File.Exists(Credentials), Is.False);
    }

    [Test]
    public async Task A_second_run_keeps_what_is_there_when_every_answer_is_the_default()
    {
        using (var first = Init())
        {
            var seed = await FirstRunAsync(first);
            var step = TestTotp.Now;
            await first.TypeAsync(TestTotp.Code(seed, step) + "\n");
            await first.ExpectAsync("Next code");
            await first.TypeAsync(TestTotp.Code(seed, step + 1) + "\n");
            await first.ExpectAsync("MFA code for");
            await first.TypeAsync(TestTotp.Code(seed, step + 2) + "\n");
            Assert.That(await first.ExitAsync(), Is.Zero, first.Seen);
        }

        var credentials = File.ReadAllBytes(Credentials);
        var config = File.ReadAllBytes(Config);
        using var second = Init("--profile default");
        await second.ExpectAsync($"Profile 'default' has keys in the credentials file ({_keyId[..4]}...{_keyId[^4..]}), region eu-west-1, MFA device arn:aws:iam::123456789012:mfa/alice.");
        await second.ExpectAsync("Keep the keys in the credentials file");
        await second.TypeAsync("\n");
        await second.ExpectAsync("Region [eu-west-1]: ");
        await second.TypeAsync("\n");
        await second.ExpectAsync("Keep MFA device arn:aws:iam::123456789012:mfa/alice? [Y/n] ");
        await second.TypeAsync("\n");
        var exit = await second.ExitAsync();

        Assert.That(exit, Is.Zero, second.Seen);
        Assert.That(File.ReadAllBytes(Credentials), Is.EqualTo(credentials));
        Assert.That(File.ReadAllBytes(Config), Is.EqualTo(config));
        Assert.That(Moto.CountCalls("CreateVirtualMFADevice"), Is.EqualTo(1));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1), "the cached session serves: no code asked");
    }
}
