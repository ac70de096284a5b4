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
    public void Mfa_process_that_fails_in_cmd_is_an_error_naming_its_exit_code()
    {
        using var temp = new TempDirectory();
        var process = new MfaProcess(new FakeEnvironment(temp.Path), new FakeTerminal(), new Reporter(TextWriter.Null, verbose: false));

        var failure = Assert.ThrowsAsync<AwsmfaException>(() => process.GetCodeAsync("exit /b 4", CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain("mfa_process exited with 4"));
    }

    [Test]
    public void The_console_is_the_terminal_whatever_stdin_is()
    {
        // The test runner's stdin is a pipe: awsmfa's terminal is the console when there is one,
        // so a prompt never reads stdin.
        using var terminal = new ControllingTerminal();
        using var console = WindowsConsole.Open();

        Assert.That(terminal.IsAvailable, Is.EqualTo(console is not null));
    }
}
