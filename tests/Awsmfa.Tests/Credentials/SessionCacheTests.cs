using System.Runtime.Versioning;
using System.Text.Json;
using Awsmfa.Credentials;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

[TestFixture]
[Category("Unit")]
[UnsupportedOSPlatform("windows")]
[Platform(Exclude = "Win", Reason = "POSIX: Unix file modes and ownership; Windows ACLs are in WindowsTests")]
public sealed class SessionCacheTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost().WithBaseProfile();

    [TearDown]
    public void TearDown() => _host.Dispose();

    private string EntryPath => Path.Combine(
        _host.CacheFolder, StepIdentity.ForSessionToken("base", TestHost.AccessKeyId, TestHost.Serial).CacheKey + ".json");

    private Task<CliResult> GetAsync(string code = "123456") =>
        _host.RunAsync("session", "get", "--profile", "base", "-t", code);

    [Test]
    public async Task Folder_is_0700_and_entries_0600_named_by_a_hash()
    {
        await GetAsync();

        Assert.That(File.GetUnixFileMode(_host.CacheFolder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        var entry = _host.CacheFiles().Single(f => f.EndsWith(".json", StringComparison.Ordinal));
        Assert.That(File.GetUnixFileMode(entry), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Path.GetFileName(entry), Does.Match("^[0-9a-f]{32}\\.json$"));
        Assert.That(Path.GetFileName(entry), Does.Not.Contain("base").And.Not.Contain("AKIA").And.Not.Contain("alice"));
    }

    [Test]
    public async Task Entry_holds_the_session_but_never_the_long_term_secret_and_no_temp_file_is_left()
    {
        await GetAsync();

        var text = File.ReadAllText(EntryPath);
        using var json = JsonDocument.Parse(text);
        Assert.That(json.RootElement.GetProperty("sessionToken").GetString(), Is.EqualTo("SessionTokenPart1"));
        Assert.That(text, Does.Not.Contain(TestHost.SecretAccessKey).And.Not.Contain(TestHost.AccessKeyId));
        Assert.That(_host.CacheFiles().Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty);
    }

    [TestCase("", TestName = "Empty entry is a miss")]
    [TestCase("{\"version\":1,\"key\":", TestName = "Truncated entry is a miss")]
    [TestCase("\u0000\u0001garbage\uFFFD", TestName = "Garbled entry is a miss")]
    [TestCase("[1,2,3]", TestName = "Entry of the wrong shape is a miss")]
    [TestCase("{\"version\":2}", TestName = "Entry of another version is a miss")]
    [TestCase("{\"version\":1,\"key\":\"k\",\"expiration\":\"not a date\"}", TestName = "Entry with wrong types is a miss")]
    public async Task Unreadable_entry_is_a_miss_and_is_replaced(string content)
    {
        Directory.CreateDirectory(_host.CacheFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(EntryPath, content);
        File.SetUnixFileMode(EntryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("new from STS"));
        Assert.That(File.ReadAllText(EntryPath), Does.Contain("SessionTokenPart1"));
    }

    [Test]
    public async Task Foreign_entry_copied_under_another_name_is_a_miss()
    {
        await GetAsync();
        var foreignKey = StepIdentity.ForSessionToken("base", TestHost.AccessKeyId, "arn:aws:iam::123456789012:mfa/bob").CacheKey;
        var foreign = Path.Combine(_host.CacheFolder, foreignKey + ".json");
        File.Copy(EntryPath, foreign);

        var result = await _host.RunAsync("session", "get", "--profile", "base", "--serial-number", "arn:aws:iam::123456789012:mfa/bob", "-t", "654321");

        Assert.That(result.Stdout, Does.Contain("SessionTokenPart2"));
    }

    [Test]
    public async Task Entry_readable_by_others_is_refused_with_a_warning_and_replaced_privately()
    {
        await GetAsync();
        File.SetUnixFileMode(EntryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await GetAsync("654321");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("awsmfa: warning: ignoring cache entry").And.Contain("other users can access it"));
        Assert.That(result.Stdout, Does.Contain("SessionTokenPart2"));
        Assert.That(File.GetUnixFileMode(EntryPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task Entry_that_is_a_symlink_is_not_followed()
    {
        await GetAsync();
        var elsewhere = Path.Combine(_host.Home, "someone-elses-file.json");
        File.Move(EntryPath, elsewhere);
        File.CreateSymbolicLink(EntryPath, elsewhere);

        var result = await GetAsync("654321");

        Assert.That(result.Stderr, Does.Contain("it is a symbolic link"));
        Assert.That(result.Stdout, Does.Contain("SessionTokenPart2"));
        Assert.That(File.ReadAllText(elsewhere), Does.Contain("SessionTokenPart1"), "the link target is untouched");
    }

    [Test]
    public async Task Cache_folder_open_to_others_is_not_used_but_the_session_is_still_printed()
    {
        Directory.CreateDirectory(_host.CacheFolder);
        File.SetUnixFileMode(_host.CacheFolder, (UnixFileMode)Convert.ToInt32("755", 8));

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("SessionTokenPart1"));
        Assert.That(result.Stderr, Does.Contain("not using the session cache (nor its memory of spent MFA codes: a code given twice is sent twice): other users can access"));
        Assert.That(_host.CacheFiles(), Is.Empty);
    }

    [Test]
    public async Task A_file_where_the_cache_folder_should_be_still_prints_the_session_with_a_warning()
    {
        _host.Environment["AWSMFA_CACHE_DIR"] = Path.Combine(_host.Home, "blocker", "cache");
        File.WriteAllText(Path.Combine(_host.Home, "blocker"), "not a folder");

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("SessionTokenPart1"));
        Assert.That(result.Stderr, Does.Contain("awsmfa: warning: not using the session cache (nor its memory of spent MFA codes: a code given twice is sent twice): could not create"));
    }

    [Test]
    public async Task AWSMFA_CACHE_DIR_moves_the_cache()
    {
        var folder = Path.Combine(_host.Home, "elsewhere");
        _host.Environment["AWSMFA_CACHE_DIR"] = folder;

        await GetAsync();

        Assert.That(Directory.GetFiles(folder, "*.json"), Has.Length.EqualTo(1));
        Assert.That(Directory.Exists(_host.CacheFolder), Is.False);
    }

    [Test]
    public async Task Parallel_runs_with_one_code_make_one_sts_call_and_print_the_same_session()
    {
        _host.Aws.StsLatency = TimeSpan.FromMilliseconds(300);

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => GetAsync())));

        Assert.That(runs.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", runs.Select(r => r.ToString())));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
        Assert.That(runs.Select(r => r.Stdout).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Parallel_refreshes_with_one_code_make_one_sts_call()
    {
        await GetAsync("111111");
        _host.Aws.StsLatency = TimeSpan.FromMilliseconds(300);

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            _host.RunAsync("session", "get", "--profile", "base", "-t", "222222", "--refresh"))));

        Assert.That(runs.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", runs.Select(r => r.ToString())));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(2));
        Assert.That(runs.Select(r => r.Stdout), Is.All.Contain("SessionTokenPart2"));
    }

    [Test]
    public async Task A_lock_held_past_the_timeout_is_given_up_with_exit_1_and_no_code_spent()
    {
        _host.LockTimeout = TimeSpan.FromMilliseconds(300);
        _host.Aws.RespondWithNewSessions();
        Directory.CreateDirectory(_host.CacheFolder);
        File.SetUnixFileMode(Path.Combine(_host.Home, ".aws"), (UnixFileMode)Convert.ToInt32("700", 8));
        File.SetUnixFileMode(Path.Combine(_host.Home, ".aws", "awsmfa"), (UnixFileMode)Convert.ToInt32("700", 8));
        File.SetUnixFileMode(_host.CacheFolder, (UnixFileMode)Convert.ToInt32("700", 8));
        var key = StepIdentity.ForSessionToken("base", TestHost.AccessKeyId, TestHost.Serial).CacheKey;
        // Another awsmfa holding the entry's lock (an flock, as FileShare.None takes one).
        using var held = new FileStream(Path.Combine(_host.CacheFolder, key + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Match(@"another awsmfa process has held the session lock for \S+; giving up \(lock file .+\.lock\)"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }
}
