using System.Diagnostics;
using Awsmfa.Credentials;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// Another local user, a crash, a planted file (issue #15): the cache folder is the user's alone
/// whatever the umask, special files never hang or flood awsmfa, crash leftovers go away, and
/// secrets stay out of core files and children.
/// </summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: Unix file modes, FIFOs and symlinks")]
public sealed class LocalAttackTests : FakeAwsToolTest
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;


    private Task<CliResult> UnderUmask000(params string[] args) =>
        Tool.RunProgramAsync("sh", ["-c", "umask 000; exec \"$@\"", "sh", ToolProcess.Command.Program, .. ToolProcess.Command.Prefix, .. args]);

    [Test]
    public async Task An_argument_that_starts_with_at_is_literal_never_a_file_planted_in_the_current_folder()
    {
        // A repository a victim works in, with files named like the arguments they type.
        var repository = Directory.CreateDirectory(Path.Combine(Tool.Home, "repo")).FullName;
        File.WriteAllText(Path.Combine(repository, "work"), $"base\n--endpoint-url\n{Aws.Url}\n-t\n123456\n");
        File.WriteAllText(Path.Combine(repository, "ids.txt"), $"i-0123456789abcdef0\n--yes\n--profile\nbase\n--endpoint-url\n{Aws.Url}\n");
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), "\n[profile @work]\nregion = us-east-1\n");
        Tool.WorkingDirectory = repository;

        var get = await Tool.RunAsync(null, "session", "get", "--profile", "@work");
        var terminate = await Tool.RunAsync(null, "ec2", "terminate", "@ids.txt");
        Tool.Environment["AWS_PROFILE"] = "@work";
        var fromVariable = await Tool.RunAsync(null, "session", "get");

        Assert.That(get.ExitCode, Is.EqualTo(2), get.ToString());
        Assert.That(get.Stderr, Does.Contain("profile '@work'"), "the profile named @work is read as a name");
        Assert.That(terminate.ExitCode, Is.EqualTo(2), terminate.ToString());
        Assert.That(terminate.Stderr, Does.Contain("@ids.txt"));
        Assert.That(fromVariable.ExitCode, Is.EqualTo(2), fromVariable.ToString());
        Assert.That(Aws.Calls, Is.Empty, "nothing reached the endpoint the planted files name");
        Assert.That(Directory.Exists(Tool.CacheFolder) ? Directory.GetFiles(Tool.CacheFolder, "*.json") : [], Is.Empty);
    }

    [Test]
    public async Task Keys_are_never_sent_to_a_session_bus_another_user_owns()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("giving the bus socket to another user needs root (CI runs as root)");
        }

        // Another user's bus, in a folder XDG_RUNTIME_DIR was pointed at.
        var runtime = Directory.CreateDirectory(Path.Combine(Tool.Home, "run")).FullName;
        var bus = Path.Combine(runtime, "bus");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(bus));
        listener.Listen(8);
        var accepted = 0;
        _ = Task.Run(async () =>
        {
            using var connection = await listener.AcceptAsync();
            Interlocked.Increment(ref accepted);
        });
        using (var chown = Process.Start("chown", ["65534:65534", bus])!)
        {
            await chown.WaitForExitAsync();
            Assert.That(chown.ExitCode, Is.Zero, "chown");
        }

        Tool.Environment["XDG_RUNTIME_DIR"] = runtime;
        Tool.Environment["DBUS_SESSION_BUS_ADDRESS"] = "";
        Tool.Environment["AWS_ACCESS_KEY_ID"] = ToolProcess.AccessKeyId;
        Tool.Environment["AWS_SECRET_ACCESS_KEY"] = ToolProcess.SecretAccessKey;
        var fromRuntime = await Tool.RunAsync(null, "keys", "add", "--profile", "stolen", "--from-env");
        Tool.Environment["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + bus;
        var fromAddress = await Tool.RunAsync(null, "keys", "add", "--profile", "stolen", "--from-env");

        foreach (var result in new[] { fromRuntime, fromAddress })
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stderr, Is.EqualTo($"awsmfa: the D-Bus session bus {bus} belongs to another user (uid 65534): awsmfa sends keys only to a bus of your own; check DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR\n"));
        }

        Assert.That(Volatile.Read(ref accepted), Is.Zero, "awsmfa never connected to the other user's bus");
    }

    [Test]
    public async Task Every_folder_awsmfa_creates_is_0700_even_under_umask_000()
    {
        Directory.Delete(Tool.AwsFolder, recursive: true);
        Tool.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Tool.Home, "credentials");
        Tool.Environment["AWS_CONFIG_FILE"] = Path.Combine(Tool.Home, "config");
        File.WriteAllText(Path.Combine(Tool.Home, "credentials"), $"[base]\naws_access_key_id = {ToolProcess.AccessKeyId}\naws_secret_access_key = {ToolProcess.SecretAccessKey}\nmfa_serial = {ToolProcess.Serial}\n");
        File.WriteAllText(Path.Combine(Tool.Home, "config"), "[profile base]\nregion = us-east-1\n");

        var result = await UnderUmask000("session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        foreach (var folder in new[] { Tool.AwsFolder, Path.Combine(Tool.AwsFolder, "awsmfa"), Tool.CacheFolder })
        {
            Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(OwnerOnly), folder);
        }

        Assert.That(File.GetUnixFileMode(Directory.GetFiles(Tool.CacheFolder, "*.json").Single()), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task A_fifo_named_like_an_entry_hangs_neither_get_nor_list_nor_clear()
    {
        Directory.CreateDirectory(Tool.CacheFolder, OwnerOnly);
        var entry = Path.Combine(Tool.CacheFolder, StepIdentity.ForSessionToken("base", ToolProcess.AccessKeyId, ToolProcess.Serial, Aws.Url).CacheKey + ".json");
        using (var mkfifo = Process.Start("mkfifo", [entry])!)
        {
            await mkfifo.WaitForExitAsync();
        }

        var timeout = TimeSpan.FromSeconds(20);
        var get = await Tool.RunAsync(null, timeout, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");
        var list = await Tool.RunAsync(null, timeout, "session", "list");
        var clear = await Tool.RunAsync(null, timeout, "session", "clear");

        Assert.That(get.ExitCode, Is.Zero, get.ToString());
        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        Assert.That(clear.ExitCode, Is.Zero, clear.ToString());
        Assert.That(File.Exists(entry), Is.False, "clear removed the planted file");
    }

    [Test]
    public async Task An_oversized_entry_is_never_read_whole()
    {
        Directory.CreateDirectory(Tool.CacheFolder, OwnerOnly);
        var entry = Path.Combine(Tool.CacheFolder, StepIdentity.ForSessionToken("base", ToolProcess.AccessKeyId, ToolProcess.Serial, Aws.Url).CacheKey + ".json");
        using (var file = new FileStream(entry, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            file.SetLength(512L * 1024 * 1024);
        }

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(20), "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "--verbose");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("too large"));
    }

    [Test]
    public async Task Clear_removes_temp_files_left_by_a_crash_and_a_write_removes_stale_ones()
    {
        Directory.CreateDirectory(Tool.CacheFolder, OwnerOnly);
        var leftover = Path.Combine(Tool.CacheFolder, ".abc.1234.def.tmp");
        var stale = Path.Combine(Tool.CacheFolder, ".old.1234.def.tmp");
        var fresh = Path.Combine(Tool.CacheFolder, ".new.1234.def.tmp");
        foreach (var path in new[] { leftover, stale, fresh })
        {
            File.WriteAllText(path, "{\"secretAccessKey\":\"live\"}");
        }

        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow.AddMinutes(-5));

        var get = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");

        Assert.That(get.ExitCode, Is.Zero, get.ToString());
        Assert.That(File.Exists(stale), Is.False, "a normal run removes temp files older than a minute");
        Assert.That(File.Exists(fresh), Is.True, "but not one that may be another run's write in progress");

        var clear = await Tool.RunAsync(null, "session", "clear");

        Assert.That(clear.ExitCode, Is.Zero, clear.ToString());
        Assert.That(Directory.GetFiles(Tool.CacheFolder, "*.tmp"), Is.Empty);
        Assert.That(clear.Stderr, Does.Contain("temp file"));
    }

    [Test]
    public async Task Core_dumps_are_off_while_awsmfa_holds_secrets()
    {
        var result = await Tool.RunAsync(null, "exec", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "--", "sh", "-c", "ulimit -c");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Trim(), Is.EqualTo("0"), "the soft core limit awsmfa set (its child inherits it)");
    }
}
