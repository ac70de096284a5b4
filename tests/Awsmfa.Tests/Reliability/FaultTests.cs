using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>AWS failing, slow or silent, and a cache that cannot be written: bounded time, one line, nothing lost.</summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: Unix file modes")]
public sealed class FaultTests : FakeAwsToolTest
{
    private Task<CliResult> GetAsync(params string[] extra) =>
        Tool.RunAsync(null, ["session", "get", "--profile", "base", "--endpoint-url", Aws.Url, .. extra]);

    private string EntryFile() => Directory.GetFiles(Tool.CacheFolder, "*.json").Single();

    [Test]
    public async Task An_entry_other_users_can_read_is_warned_about_in_one_line_per_run()
    {
        var seeded = await GetAsync("-t", "123456");
        Assert.That(seeded.ExitCode, Is.Zero, seeded.ToString());
        var entry = EntryFile();
        File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var warning = $"awsmfa: warning: ignoring cache entry {entry}: other users can access it (expected mode 600)";

        // The entry is looked at before the lock and again under it; `session list` reads every entry.
        var list = await Tool.RunAsync(null, ["session", "list"]);
        var get = await GetAsync("-t", "654321", "-o", "json");

        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        Assert.That(list.Stderr, Is.EqualTo(warning + "\nawsmfa: no cached sessions\n"), "no second warning counting it as unreadable");
        Assert.That(get.ExitCode, Is.Zero, get.ToString());
        Assert.That(get.Stderr.Split('\n').Count(line => line.StartsWith("awsmfa: warning:", StringComparison.Ordinal)), Is.EqualTo(1), get.Stderr);
        Assert.That(get.Stderr, Does.Contain(warning));
    }

    [TestCase(ServerBehaviour.InternalError, "STS failed with HTTP 500 (InternalFailure); try again later")]
    [TestCase(ServerBehaviour.Throttle, "STS is throttling requests (Throttling) and retries did not get through; try again in a moment")]
    public async Task Sts_failures_are_retried_then_one_line_and_exit_1(ServerBehaviour mode, string message)
    {
        Aws.Mode = mode;
        var clock = Stopwatch.StartNew();

        var result = await GetAsync("-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo($"awsmfa: {message}\n"));
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.InRange(2, 5), "the SDK's retry mode retried");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        TestContext.Out.WriteLine($"measured: STS {mode}: {Aws.RequestsFor("GetSessionToken")} attempts, exit {result.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    public async Task A_silent_endpoint_times_out_within_the_request_timeout_times_the_attempts()
    {
        Aws.Mode = ServerBehaviour.Hang;
        var clock = Stopwatch.StartNew();

        var result = await GetAsync("-t", "123456", "--request-timeout", "1s");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo($"awsmfa: could not reach STS: no answer from {new Uri(Aws.Url).Authority} within the request timeout, after retries (--request-timeout)\n"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "3 attempts of 1 s, backoff and start-up");
        TestContext.Out.WriteLine($"measured: STS silent, --request-timeout 1s: {Aws.RequestsFor("GetSessionToken")} attempts, exit {result.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    public async Task A_closed_port_is_exit_1()
    {
        var result = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", "http://127.0.0.1:9", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: could not reach STS: Connection refused"));
    }

    [TestCase(ServerBehaviour.InternalError)]
    [TestCase(ServerBehaviour.Throttle)]
    [TestCase(ServerBehaviour.Hang)]
    public async Task A_failed_refresh_leaves_the_valid_entry_byte_for_byte(ServerBehaviour mode)
    {
        Assert.That((await GetAsync("-t", "111111")).ExitCode, Is.Zero);
        var before = File.ReadAllBytes(EntryFile());
        Aws.Mode = mode;

        var failed = await GetAsync("-t", "222222", "--refresh", "--request-timeout", "1s");
        Aws.Mode = ServerBehaviour.Answer;
        var after = await GetAsync();

        Assert.That(failed.ExitCode, Is.EqualTo(1), failed.ToString());
        Assert.That(File.ReadAllBytes(EntryFile()), Is.EqualTo(before));
        Assert.That(after.Stderr, Does.Contain("from the cache"));
        Assert.That(Directory.GetFiles(Tool.CacheFolder, "*.tmp"), Is.Empty);
    }

    [TestCase(ServerBehaviour.InternalError, "EC2 failed with HTTP 500")]
    [TestCase(ServerBehaviour.Throttle, "EC2 is throttling requests (RequestLimitExceeded)")]
    [TestCase(ServerBehaviour.Hang, "could not reach EC2")]
    public async Task Ec2_failures_are_one_line_and_exit_1(ServerBehaviour mode, string message)
    {
        Assert.That((await GetAsync("-t", "111111")).ExitCode, Is.Zero);
        Aws.Mode = mode;
        var clock = Stopwatch.StartNew();

        var result = await Tool.RunAsync(null, "ec2", "list", "--profile", "base", "--endpoint-url", Aws.Url, "--request-timeout", "1s");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: " + message));
        Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain('\n'));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        TestContext.Out.WriteLine($"measured: EC2 {mode}: {Aws.RequestsFor("DescribeInstances")} attempts, exit {result.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    public async Task An_unwritable_cache_on_a_read_only_file_system_still_prints_the_session()
    {
        using var mount = TmpfsMount.CreateOrIgnore("ro");
        Tool.Environment["AWSMFA_CACHE_DIR"] = Path.Combine(mount.Path, "cache");

        var result = await GetAsync("-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("FakeSessionTokenPart1"));
        Assert.That(result.Stderr, Does.Contain("awsmfa: warning: not using the session cache (nor its memory of spent MFA codes: a code given twice is sent twice): could not create"));
        Assert.That(result.Stderr.Split('\n').Count(line => line.StartsWith("awsmfa: warning:", StringComparison.Ordinal)), Is.EqualTo(1), "warned once: " + result.Stderr);
    }

    [Test]
    public async Task A_full_disk_still_prints_the_session_and_leaves_no_temp_file()
    {
        using var mount = TmpfsMount.CreateOrIgnore("size=64k");
        var cache = Path.Combine(mount.Path, "cache");
        Directory.CreateDirectory(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        mount.Fill();
        Tool.Environment["AWSMFA_CACHE_DIR"] = cache;

        var result = await GetAsync("-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("FakeSessionTokenPart1"));
        Assert.That(result.Stderr, Does.Contain("awsmfa: warning: could not write the session cache"));
        Assert.That(Directory.GetFiles(cache), Has.None.EndWith(".tmp").And.None.EndWith(".json"));
    }

    [Test]
    public async Task A_cache_folder_that_is_a_symlink_is_not_followed()
    {
        var elsewhere = Path.Combine(Tool.Home, "elsewhere");
        Directory.CreateDirectory(elsewhere, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.GetDirectoryName(Tool.CacheFolder)!);
        Directory.CreateSymbolicLink(Tool.CacheFolder, elsewhere);

        var result = await GetAsync("-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("is a symbolic link"));
        Assert.That(Directory.GetFileSystemEntries(elsewhere), Is.Empty);
    }

    [Test]
    public async Task A_cache_folder_owned_by_another_user_is_refused()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("giving a folder to another user needs root");
        }

        Directory.CreateDirectory(Tool.CacheFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Chown(Tool.CacheFolder, 65534);

        var result = await GetAsync("-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("belongs to another user"));
        Assert.That(Directory.GetFiles(Tool.CacheFolder), Is.Empty);
    }

    [Test]
    public async Task An_entry_owned_by_another_user_is_not_used()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("giving a file to another user needs root");
        }

        Assert.That((await GetAsync("-t", "111111")).ExitCode, Is.Zero);
        Chown(EntryFile(), 65534);

        var result = await GetAsync("-t", "222222");

        Assert.That(result.Stderr, Does.Contain("belongs to another user"));
        Assert.That(result.Stdout, Does.Contain("FakeSessionTokenPart2"));
    }

    private static void Chown(string path, int uid)
    {
        using var chown = Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        chown.WaitForExit();
        Assert.That(chown.ExitCode, Is.Zero);
    }
}

/// <summary>A small tmpfs (root only), to make a read-only or full file system for real.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount CreateOrIgnore(string options)
    {
        var path = Directory.CreateTempSubdirectory("awsmfa-mount-").FullName;
        using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", options, "tmpfs", path]) { RedirectStandardError = true })!;
        mount.WaitForExit();
        if (mount.ExitCode != 0)
        {
            Directory.Delete(path);
            Assert.Ignore($"cannot mount a tmpfs here (needs root): {mount.StandardError.ReadToEnd().Trim()}");
        }

        return new TmpfsMount(path);
    }

    public void Fill()
    {
        try
        {
            using var filler = File.OpenWrite(System.IO.Path.Combine(Path, "filler"));
            var block = new byte[4096];
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        using var umount = Process.Start("umount", [Path])!;
        umount.WaitForExit();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
