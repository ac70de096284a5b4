using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using Awsmfa.Credentials;
using Awsmfa.Platform;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Platform;

/// <summary>
/// Windows' own code paths: the cache folder's ACL and mfa_process through cmd. They run on the
/// windows-latest CI job (.github/workflows/ci.yml); elsewhere NUnit reports them as skipped.
/// </summary>
[TestFixture]
[Category("Process")]
[Platform("Win", Reason = "Windows code paths, run by the windows-latest CI job")]
[SupportedOSPlatform("windows")]
public sealed class WindowsTests
{
    [Test]
    public void Cache_folders_awsmfa_creates_grant_the_current_user_alone_and_their_files_inherit_it()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine(".aws", "awsmfa", "cache");
        var cache = new SessionCache(folder, new Reporter(TextWriter.Null, verbose: false), TimeProvider.System);

        Assert.That(cache.TryWriteFile("probe", [1, 2, 3]), Is.True);

        var user = WindowsIdentity.GetCurrent().User!;
        foreach (var created in new[] { temp.Combine(".aws"), temp.Combine(".aws", "awsmfa"), folder })
        {
            var security = new DirectoryInfo(created).GetAccessControl();
            var rules = security.GetAccessRules(includeExplicit: true, includeInherited: true, typeof(SecurityIdentifier)).Cast<FileSystemAccessRule>().ToList();
            Assert.That(security.AreAccessRulesProtected, Is.True, created + " inherits nothing from its parent");
            Assert.That(rules.Select(r => r.IdentityReference), Is.All.EqualTo(user), created + " grants the current user alone");
            Assert.That(rules.Single().FileSystemRights & FileSystemRights.FullControl, Is.EqualTo(FileSystemRights.FullControl));
        }

        var file = Directory.GetFiles(folder).Single();
        var fileRules = new FileInfo(file).GetAccessControl().GetAccessRules(true, true, typeof(SecurityIdentifier)).Cast<FileSystemAccessRule>();
        Assert.That(fileRules.Select(r => r.IdentityReference), Is.All.EqualTo(user), "an entry is the user's alone");
    }

    [Test]
    public void An_existing_cache_folder_other_accounts_can_read_is_not_used()
    {
        using var temp = new TempDirectory();
        var folder = Directory.CreateDirectory(temp.Combine("shared")).FullName;
        var security = new DirectoryInfo(folder).GetAccessControl();
        security.AddAccessRule(new FileSystemAccessRule(new SecurityIdentifier(WellKnownSidType.BuiltinUsersSid, null), FileSystemRights.Read, AccessControlType.Allow));
        new DirectoryInfo(folder).SetAccessControl(security);
        var warnings = new StringWriter();
        var cache = new SessionCache(folder, new Reporter(warnings, verbose: false), TimeProvider.System);

        Assert.That(cache.TryWriteFile("probe", [1, 2, 3]), Is.False);
        Assert.That(Directory.GetFiles(folder), Is.Empty);
        Assert.That(warnings.ToString(), Does.Contain("can access " + folder).And.Contain("remove the folder"));

        // What the warning says to do works.
        Directory.Delete(folder);
        var again = new SessionCache(folder, new Reporter(TextWriter.Null, verbose: false), TimeProvider.System);
        Assert.That(again.TryWriteFile("probe", [1, 2, 3]), Is.True);
    }

    [Test]
    public void An_existing_cache_folder_with_the_profile_folders_usual_acl_is_used()
    {
        // A folder made by hand or by an older awsmfa: it inherits the user's, SYSTEM's and
        // Administrators' entries from the profile, as every folder under %USERPROFILE% does.
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".awsmfa-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var cache = new SessionCache(folder, new Reporter(TextWriter.Null, verbose: false), TimeProvider.System);

            Assert.That(cache.TryWriteFile("probe", [1, 2, 3]), Is.True);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Mfa_process_runs_through_cmd_with_quotes_as_written()
    {
        using var temp = new TempDirectory();
        var folder = Directory.CreateDirectory(temp.Combine("a folder with spaces")).FullName;
        var code = Path.Combine(folder, "code.txt");
        await File.WriteAllTextAsync(code, "246810\r\n");
        var terminal = new FakeTerminal { IsAvailable = false };
        var process = new MfaProcess(new FakeEnvironment(temp.Path), terminal, new Reporter(TextWriter.Null, verbose: false));

        // What a user writes in ~/.aws/config: a quoted path, a quoted argument, cmd's own syntax.
        var printed = await process.GetCodeAsync($"type \"{code}\" & echo done 1>&2", CancellationToken.None);

        Assert.That(printed, Is.EqualTo("246810"));
    }

    [Test]
    public async Task Mfa_process_that_fails_in_cmd_is_an_error_naming_its_exit_code()
    {
        using var temp = new TempDirectory();
        var process = new MfaProcess(new FakeEnvironment(temp.Path), new FakeTerminal(), new Reporter(TextWriter.Null, verbose: false));

        var failure = await Assert.ThrowsAsync<AwsmfaException>(() => process.GetCodeAsync("exit /b 4", CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain("mfa_process exited with 4"));
    }

    [Test]
    public async Task Without_a_console_window_there_is_no_terminal_and_stdin_is_not_read_for_a_code()
    {
        // As a CI runner or scheduler starts it (ToolProcess sets CreateNoWindow): stdin a pipe
        // with a code in it, a console nobody sees. No prompt, no code taken from stdin: the run
        // ends at once with the usage error and no STS call.
        using var server = new FakeAwsServer();
        using var tool = new Awsmfa.Tests.Integration.ToolProcess();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await tool.RunAsync("123456\n", TimeSpan.FromSeconds(30), "session", "get", "--profile", "base", "--endpoint-url", server.Url);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("there is no terminal to ask"));
        Assert.That(server.RequestsFor("GetSessionToken"), Is.Zero, "the code on stdin was not taken");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }
}
