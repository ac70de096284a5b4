using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// <c>awsmfa mfa list | create | remove</c> through the built tool, on a terminal, against
/// moto's IAM made strict as AWS (EnableMFADevice takes only two consecutive codes of the
/// device's seed): the QR code decodes to the device's seed, codes from it enable the device,
/// and nothing is left behind when it is not enabled.
/// </summary>
[TestFixture]
[Category("Integration")]
[Platform(Include = "Linux,MacOsX", Reason = "script(1) gives awsmfa a terminal")]
public sealed partial class MfaDeviceTests : MotoToolTest
{
    private const string Config = "# the team's settings\n[profile alice]\nregion = us-east-1\n\n[profile other]\nregion = eu-west-1\n";

    private string ConfigFile => Path.Combine(Tool.AwsFolder, "config");

    private async Task UserAsync(string userName)
    {
        var (keyId, secret) = await Moto.CreateUserWithKeyAsync(userName);
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "credentials"), $"[alice]\naws_access_key_id = {keyId}\naws_secret_access_key = {secret}\n");
        File.WriteAllText(ConfigFile, Config);
    }

    /// <summary><c>awsmfa ARGS &gt; stdout</c> on a terminal of its own, the endpoint moto's.</summary>
    private TerminalSession OnTerminal(string arguments) =>
        new(Tool, $"AWS_ENDPOINT_URL={Moto.Url} {ToolProcess.ShellCommand} {arguments} > '{Path.Combine(Tool.Home, "stdout")}'");

    private string Stdout => File.ReadAllText(Path.Combine(Tool.Home, "stdout"));

    private async Task<List<string>> VirtualDevicesAsync() =>
        [.. (await Moto.IamAsync("ListVirtualMFADevices")).Descendants(MotoServer.Iam + "SerialNumber").Select(e => (string)e)];

    private static Task<string> DecodeQrAsync(string png) => QrReader.ReadAsync(png);

    [GeneratedRegex("^otpauth://totp/Amazon%20Web%20Services%3Aalice%40123456789012\\?secret=(?<seed>[A-Z2-7]+)&issuer=Amazon%20Web%20Services$")]
    private static partial Regex OtpauthUri();

    [Test]
    public async Task Create_writes_a_qr_code_of_the_seed_enables_the_device_with_two_codes_and_sets_the_profile()
    {
        await UserAsync("alice");
        var png = Path.Combine(Tool.Home, "device.png");

        using var terminal = OnTerminal($"mfa create --profile alice --qr '{png}' --set");
        await terminal.ExpectAsync("First code from the app: ");
        var uri = await DecodeQrAsync(png);
        var seed = OtpauthUri().Match(uri) is { Success: true } match ? match.Groups["seed"].Value : null;
        Assert.That(seed, Is.Not.Null, uri);
        var step = TestTotp.Now;
        await terminal.TypeAsync(TestTotp.Code(seed!, step) + "\n");
        await terminal.ExpectAsync("Next code");
        await terminal.TypeAsync(TestTotp.Code(seed!, step + 1) + "\n");
        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.Zero, terminal.Seen);
        Assert.That(Stdout, Is.EqualTo("arn:aws:iam::123456789012:mfa/alice\n"));
        Assert.That(File.GetUnixFileMode(png), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(terminal.Seen, Does.Not.Contain(seed!), "the seed is shown only with --show-secret");
        Assert.That(File.ReadAllText(ConfigFile), Is.EqualTo(
            "# the team's settings\n[profile alice]\nregion = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n\n[profile other]\nregion = eu-west-1\n"));

        var list = await Tool.RunAsync(null, "mfa", "list", "--profile", "alice", "--endpoint-url", Moto.Url, "-o", "json");
        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        var device = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single();
        Assert.That(device.GetProperty("SerialNumber").GetString(), Is.EqualTo("arn:aws:iam::123456789012:mfa/alice"));
        Assert.That(device.GetProperty("ProfileMfaSerial").GetBoolean(), Is.True);

        // The codes that enabled it are spent (AWS takes each once): never sent again.
        var spent = await Tool.RunAsync(null, "session", "get", "--profile", "alice", "--endpoint-url", Moto.Url, "-t", TestTotp.Code(seed!, step + 1), "-o", "json");
        Assert.That(spent.ExitCode, Is.EqualTo(3), spent.ToString());
        Assert.That(spent.Stderr, Does.Contain("this MFA code was already used"));

        // The device is the profile's now: an MFA session with a code from the seed.
        var session = await Tool.RunAsync(null, "session", "get", "--profile", "alice", "--endpoint-url", Moto.Url, "-t", TestTotp.Code(seed!, step + 2), "-o", "json");
        Assert.That(session.ExitCode, Is.Zero, session.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task Three_wrong_pairs_of_codes_leave_no_device_behind()
    {
        await UserAsync("alice");

        using var terminal = OnTerminal("mfa create --profile alice");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await terminal.ExpectAsync("First code from the app: ");
            await terminal.TypeAsync("000000\n");
            await terminal.ExpectAsync("Next code");
            await terminal.TypeAsync("111111\n");
            if (attempt < 2)
            {
                await terminal.ExpectAsync("Those are not two consecutive codes");
            }
        }

        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.EqualTo(3), terminal.Seen);
        Assert.That(terminal.Seen, Does.Contain("was not enabled, so it was deleted again"));
        Assert.That(await VirtualDevicesAsync(), Is.Empty);
        Assert.That(File.ReadAllText(ConfigFile), Is.EqualTo(Config));
    }

    [Test]
    public async Task Ctrl_C_between_create_and_enable_leaves_no_device_behind()
    {
        await UserAsync("alice");

        using var terminal = OnTerminal("mfa create --profile alice");
        await terminal.ExpectAsync("First code from the app: ");
        Assert.That(await VirtualDevicesAsync(), Has.Count.EqualTo(1), "created before the codes are asked");
        await terminal.TypeAsync("\u0003");
        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.EqualTo(130), terminal.Seen);
        Assert.That(await VirtualDevicesAsync(), Is.Empty, terminal.Seen);
        Assert.That(File.ReadAllText(ConfigFile), Is.EqualTo(Config));
    }

    [Test]
    public async Task Ctrl_C_waits_for_a_slow_deletion_of_the_device_and_a_second_one_a_second_later_leaves_it()
    {
        // strict_moto takes four seconds to delete a device named slow-delete: longer than the
        // grace an interrupted command gets for anything else.
        await UserAsync("slow-delete");

        // Ctrl-C, even pressed twice at once: the exit waits for the deletion.
        using (var terminal = OnTerminal("mfa create --profile alice"))
        {
            await terminal.ExpectAsync("First code from the app: ");
            await terminal.TypeAsync("\u0003\u0003");
            var exit = await terminal.ExitAsync();

            Assert.That(exit, Is.EqualTo(130), terminal.Seen);
            Assert.That(terminal.Seen, Does.Contain("deleting MFA device arn:aws:iam::123456789012:mfa/slow-delete, made for this setup (Ctrl-C again leaves it"));
            Assert.That(await VirtualDevicesAsync(), Is.Empty, terminal.Seen);
        }

        // A second Ctrl-C a second later is a choice: awsmfa leaves at once, the device with it.
        using (var terminal = OnTerminal("mfa create --profile alice"))
        {
            await terminal.ExpectAsync("First code from the app: ");
            await terminal.TypeAsync("\u0003");
            await terminal.ExpectAsync("Ctrl-C again leaves it");
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await terminal.TypeAsync("\u0003");
            var exit = await terminal.ExitAsync();

            Assert.That(exit, Is.EqualTo(130), terminal.Seen);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "the second Ctrl-C does not wait");
        }
    }

    [Test]
    public async Task Ctrl_C_while_iam_makes_the_device_deletes_it_once_it_is_made()
    {
        // strict_moto makes a device named slow-create at once and answers three seconds later:
        // an interrupted call whose answer is lost still leaves a device in IAM.
        await UserAsync("slow-create");

        using var terminal = OnTerminal("mfa create --profile alice");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await VirtualDevicesAsync()).Count == 0)
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "IAM made the device: " + terminal.Seen);
            await Task.Delay(50);
        }

        await terminal.TypeAsync("\u0003");
        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.EqualTo(130), terminal.Seen);
        Assert.That(terminal.Seen, Does.Contain("deleting MFA device arn:aws:iam::123456789012:mfa/slow-create, made for this setup"));
        Assert.That(await VirtualDevicesAsync(), Is.Empty, terminal.Seen);
    }

    [Test]
    public async Task A_refused_enable_leaves_no_device_behind()
    {
        // strict_moto refuses EnableMFADevice to this user, as a policy without iam:EnableMFADevice would.
        await UserAsync("refuses-enable");
        var png = Path.Combine(Tool.Home, "device.png");

        using var terminal = OnTerminal($"mfa create --profile alice --qr '{png}'");
        await terminal.ExpectAsync("First code from the app: ");
        var seed = Regex.Match(await DecodeQrAsync(png), "secret=([A-Z2-7]+)").Groups[1].Value;
        var step = TestTotp.Now;
        await terminal.TypeAsync(TestTotp.Code(seed, step) + "\n");
        await terminal.ExpectAsync("Next code");
        await terminal.TypeAsync(TestTotp.Code(seed, step + 1) + "\n");
        var exit = await terminal.ExitAsync();

        Assert.That(exit, Is.EqualTo(3), terminal.Seen);
        Assert.That(terminal.Seen, Does.Contain("IAM refused EnableMFADevice: AccessDenied"));
        Assert.That(await VirtualDevicesAsync(), Is.Empty);
        Assert.That(File.Exists(png), Is.False, "the QR code of a deleted device is removed too");
    }

    [Test]
    public async Task Remove_deactivates_with_a_session_of_the_device_deletes_it_and_forgets_it()
    {
        await UserAsync("alice");
        var created = await Moto.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", "alice"));
        var device = (string)created.Descendants(MotoServer.Iam + "SerialNumber").Single();
        var seed = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)created.Descendants(MotoServer.Iam + "Base32StringSeed").Single()));
        var step = TestTotp.Now;
        await Moto.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", device), ("AuthenticationCode1", TestTotp.Code(seed, step)), ("AuthenticationCode2", TestTotp.Code(seed, step + 1)));
        File.WriteAllText(ConfigFile, Config.Replace("region = us-east-1\n", $"region = us-east-1\nmfa_serial = {device}\n", StringComparison.Ordinal));
        var session = await Tool.RunAsync(null, "session", "get", "--profile", "alice", "--endpoint-url", Moto.Url, "-t", "123456");
        Assert.That(session.ExitCode, Is.Zero, session.ToString());

        var removed = await Tool.RunAsync(null, "mfa", "remove", "--profile", "alice", "--endpoint-url", Moto.Url, "--serial", device, "--yes");

        Assert.That(removed.ExitCode, Is.Zero, removed.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1), "the cached MFA session of the device signed the deactivation");
        Assert.That(Moto.CountCalls("DeactivateMFADevice"), Is.EqualTo(1));
        Assert.That(await VirtualDevicesAsync(), Is.Empty);
        Assert.That(File.ReadAllText(ConfigFile), Is.EqualTo(Config));
        Assert.That(Directory.GetFiles(Tool.CacheFolder, "*.json"), Is.Empty, "the session minted with it is gone");
        Assert.That(removed.Stderr, Does.Contain("removed mfa_serial from profile 'alice'"));
    }

    [Test]
    public async Task List_without_a_device_names_the_command_that_creates_one()
    {
        await UserAsync("alice");

        var list = await Tool.RunAsync(null, "mfa", "list", "--profile", "alice", "--endpoint-url", Moto.Url);

        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        Assert.That(list.Stdout, Is.Empty);
        Assert.That(list.Stderr, Does.Contain("IAM user alice has no MFA device; create one with: awsmfa mfa create --profile alice"));
    }

    [Test]
    public async Task Doctor_says_when_the_user_has_no_device_and_which_device_the_profile_could_name()
    {
        await UserAsync("alice");

        var none = await Tool.RunAsync(null, "doctor", "--profile", "alice", "--endpoint-url", Moto.Url);
        var created = await Moto.IamAsync("CreateVirtualMFADevice", ("VirtualMFADeviceName", "alice"));
        var seed = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)created.Descendants(MotoServer.Iam + "Base32StringSeed").Single()));
        var step = TestTotp.Now;
        await Moto.IamAsync("EnableMFADevice", ("UserName", "alice"), ("SerialNumber", "arn:aws:iam::123456789012:mfa/alice"), ("AuthenticationCode1", TestTotp.Code(seed, step)), ("AuthenticationCode2", TestTotp.Code(seed, step + 1)));
        var one = await Tool.RunAsync(null, "doctor", "--profile", "alice", "--endpoint-url", Moto.Url);

        Assert.That(none.ExitCode, Is.EqualTo(1), none.ToString());
        Assert.That(none.Stdout, Does.Contain("IAM user alice has no MFA device: create one with awsmfa mfa create --profile alice --set"));
        Assert.That(none.Stdout, Does.Not.Contain("no region for the profile"), "the profile's region is read though it names no device");
        Assert.That(one.Stdout, Does.Contain("IAM user alice has an MFA device (arn:aws:iam::123456789012:mfa/alice) that the profile does not name: add mfa_serial = arn:aws:iam::123456789012:mfa/alice to it"));
    }
}
