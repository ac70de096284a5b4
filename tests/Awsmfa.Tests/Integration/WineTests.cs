using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// The win-x64 build, run under Wine (.ci/run publishes it and names it in
/// <c>AWSMFA_TEST_WINE_TOOL</c>): Windows' own code paths on this Linux machine. Wine is not
/// Windows (its ACLs are made up from Unix modes), so these are smoke tests; the windows-latest
/// CI job runs WindowsTests on the real thing.
/// </summary>
[TestFixture]
[Category("Integration")]
// Serial: every test uses the one Wine prefix (WINEPREFIX) and its wineserver.
[NonParallelizable]
[Platform("Linux", Reason = "Wine runs the Windows build on Linux")]
public sealed class WineTests
{
    private FakeAwsServer _aws = null!;
    private ToolProcess _tool = null!;

    [SetUp]
    public void SetUp()
    {
        var tool = Environment.GetEnvironmentVariable("AWSMFA_TEST_WINE_TOOL");
        var wine = Processes.FindOnPath("wine");
        if (string.IsNullOrEmpty(tool) || !File.Exists(tool) || wine is null)
        {
            const string why = "no win-x64 build under Wine: .ci/run installs Wine, publishes awsmfa for win-x64 and sets AWSMFA_TEST_WINE_TOOL";
            if (Environment.GetEnvironmentVariable("AWSMFA_TEST_REQUIRE_WINE") == "1")
            {
                Assert.Fail(why);
            }

            Assert.Ignore(why);
        }

        _aws = new FakeAwsServer();
        // The usual profiles and private home, the paths in the form the Windows program reads.
        _tool = new ToolProcess((wine!, [tool!]));
        _tool.Environment["WINEDEBUG"] = "-all";
        // No credentials dialog: Wine would show it on no one's desktop.
        _tool.Environment["AWSMFA_PROMPT"] = "terminal";
        // The prefix .ci/run prepared, or the user's own: a new home would mean a new prefix each time.
        _tool.Environment["WINEPREFIX"] = Environment.GetEnvironmentVariable("WINEPREFIX") is { Length: > 0 } prefix
            ? prefix
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".wine");
        _tool.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Windows(Path.Combine(_tool.AwsFolder, "credentials"));
        _tool.Environment["AWS_CONFIG_FILE"] = Windows(Path.Combine(_tool.AwsFolder, "config"));
        // A folder that does not exist yet: awsmfa makes it, and its parents, owner-only.
        _tool.Environment["AWSMFA_CACHE_DIR"] = Windows(_tool.CacheFolder);
    }

    [TearDown]
    public void TearDown()
    {
        _aws?.Dispose();
        _tool?.Dispose();
    }

    /// <summary>A Linux path as the Windows program sees it: Wine maps / to drive Z:.</summary>
    private static string Windows(string path) => "Z:" + path.Replace('/', '\\');

    private Task<CliResult> RunAsync(string? stdin, params string[] args) => _tool.RunAsync(stdin, args);

    [Test]
    public async Task The_windows_build_mints_caches_and_serves_a_session_with_lf_output()
    {
        var version = await RunAsync(null, "--version");
        var miss = await RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", _aws.Url, "-t", "123456", "-o", "credential-process");
        var hit = await RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", _aws.Url, "-o", "credential-process");

        Assert.That(version.Stdout, Does.Match(@"^awsmfa \S+ \(commit [0-9a-f]{12}\)\n$"), "one line ending in \\n, not \\r\\n");
        Assert.That(miss.ExitCode, Is.Zero, miss.ToString());
        Assert.That(hit.ExitCode, Is.Zero, hit.ToString());
        Assert.That(hit.Stderr, Does.Contain("from the cache"), hit.ToString());
        Assert.That(hit.Stdout, Is.EqualTo(miss.Stdout).And.StartWith("{\"Version\":1,").And.EndWith("}\n"));
        Assert.That(_aws.SessionsIssued, Is.EqualTo(1));
        Assert.That(Directory.GetFiles(_tool.CacheFolder, "*.json"), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Keys_live_in_wines_credential_manager_and_sign_the_session()
    {
        const string profile = "wine-keyring-test";
        const string keyId = "AKIAWINECREDEXAMPLE1";
        await RunAsync(null, "keys", "remove", "--profile", profile, "--yes");
        try
        {
            var added = await RunAsync($"{keyId}\n{ToolProcess.SecretAccessKey}\n", "keys", "add", "--profile", profile, "--stdin");
            var list = await RunAsync(null, "keys", "list");
            var session = await RunAsync(null, "session", "get", "--profile", profile, "--serial-number", ToolProcess.Serial, "--endpoint-url", _aws.Url, "-t", "123456", "-o", "json");

            Assert.That(added.ExitCode, Is.EqualTo(0), added.ToString());
            Assert.That(added.Stderr, Does.Contain("in the wincred keyring"));
            Assert.That(list.Stdout, Does.Contain($"{profile}  AKIA...PLE1  wincred"));
            Assert.That(session.ExitCode, Is.EqualTo(0), session.ToString());
            Assert.That(_aws.Calls.Single().SignedBy, Is.EqualTo(keyId), "GetSessionToken signed with the key from Credential Manager");
        }
        finally
        {
            var removed = await RunAsync(null, "keys", "remove", "--profile", profile, "--yes");
            Assert.That(removed.ExitCode, Is.EqualTo(0), removed.ToString());
        }
    }

    [Test]
    public async Task Mfa_process_runs_through_cmd_with_quotes_as_written_and_its_lines_reach_stderr()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_tool.Home, "a folder")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "code.txt"), "246810\r\n");
        File.AppendAllText(Path.Combine(_tool.AwsFolder, "config"), $"\nmfa_process = type \"{Windows(Path.Combine(folder, "code.txt"))}\" & echo Touch your YubiKey 1>&2\n");

        var result = await RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", _aws.Url, "-o", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr.Split('\n').Where(l => l.StartsWith("awsmfa: mfa_process:", StringComparison.Ordinal)), Is.EqualTo(new[] { "awsmfa: mfa_process: Touch your YubiKey" }), result.Stderr);
        Assert.That(_aws.SessionsIssued, Is.EqualTo(1));
    }

    [Test]
    public async Task Without_a_console_a_code_on_stdin_is_not_taken_as_the_prompt_answer()
    {
        var result = await RunAsync("123456\n", "session", "get", "--profile", "base", "--endpoint-url", _aws.Url);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("there is no terminal to ask"));
        Assert.That(_aws.RequestsFor("GetSessionToken"), Is.Zero);
    }
}
