using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// A real Secret Service for one test: a private D-Bus session bus and gnome-keyring-daemon on it,
/// with its login keyring (empty password) in the test's own home. Stopped, both, on dispose.
/// </summary>
internal sealed class SecretServiceDaemon : IDisposable
{
    private readonly Process _bus;
    private readonly Process _keyring;

    private SecretServiceDaemon(Process bus, Process keyring, string address, IReadOnlyDictionary<string, string> environment)
    {
        _bus = bus;
        _keyring = keyring;
        Address = address;
        Environment = environment;
    }

    /// <summary>The session bus address (DBUS_SESSION_BUS_ADDRESS).</summary>
    public string Address { get; }

    /// <summary>What a client of this keyring needs in its environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static async Task<SecretServiceDaemon> StartOrIgnoreAsync(string home)
    {
        var busDaemon = Processes.FindOnPath("dbus-daemon");
        var keyringDaemon = Processes.FindOnPath("gnome-keyring-daemon");
        if (busDaemon is null || keyringDaemon is null || Processes.FindOnPath("dbus-send") is null)
        {
            Assert.Ignore("a real Secret Service needs dbus-daemon and gnome-keyring-daemon (Debian: dbus, gnome-keyring; .ci/run installs them)");
        }

        var runtime = Path.Combine(home, "run");
        Directory.CreateDirectory(runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
            ["XDG_RUNTIME_DIR"] = runtime,
        };

        var busStart = new ProcessStartInfo(busDaemon!, ["--session", "--nofork", "--print-address=1"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Apply(busStart, environment);
        var bus = Process.Start(busStart)!;
        _ = bus.StandardError.ReadToEndAsync();
        var address = await bus.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (string.IsNullOrEmpty(address))
        {
            bus.Kill(entireProcessTree: true);
            Assert.Fail("dbus-daemon printed no address");
        }

        environment["DBUS_SESSION_BUS_ADDRESS"] = address!;
        var keyringStart = new ProcessStartInfo(keyringDaemon!, ["--foreground", "--unlock", "--components=secrets"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Apply(keyringStart, environment);
        var keyring = Process.Start(keyringStart)!;
        _ = keyring.StandardOutput.ReadToEndAsync();
        _ = keyring.StandardError.ReadToEndAsync();
        // One newline: an empty password, which creates the login keyring (no bytes at all creates none).
        await keyring.StandardInput.WriteAsync("\n");
        keyring.StandardInput.Close();

        var daemon = new SecretServiceDaemon(bus, keyring, address!, environment);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await daemon.OwnsTheNameAsync())
        {
            if (DateTime.UtcNow > deadline)
            {
                daemon.Dispose();
                Assert.Fail("gnome-keyring-daemon did not take org.freedesktop.secrets within 20 s");
            }

            await Task.Delay(50);
        }

        return daemon;
    }

    /// <summary>secret-tool (libsecret) on this keyring: an independent reader of what awsmfa stored.</summary>
    public Task<CliResult> SecretToolAsync(params string[] args)
    {
        var tool = Processes.FindOnPath("secret-tool");
        if (tool is null)
        {
            Assert.Ignore("secret-tool is not installed (Debian: libsecret-tools; .ci/run installs it)");
        }

        var start = new ProcessStartInfo(tool!, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Apply(start, Environment);
        return Processes.RunAsync(start, null, TimeSpan.FromSeconds(30), "secret-tool " + string.Join(' ', args));
    }

    private async Task<bool> OwnsTheNameAsync()
    {
        var start = new ProcessStartInfo(Processes.FindOnPath("dbus-send")!, ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Apply(start, Environment);
        var result = await Processes.RunAsync(start, null, TimeSpan.FromSeconds(10), "dbus-send NameHasOwner");
        return result.Stdout.Contains("boolean true", StringComparison.Ordinal);
    }

    private static void Apply(ProcessStartInfo start, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
    }

    public void Dispose()
    {
        foreach (var process in new[] { _keyring, _bus })
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }
    }
}
