using System.Text.RegularExpressions;
using Awsmfa.Tests.Support;
using static Awsmfa.Tests.Integration.Repository;

namespace Awsmfa.Tests.Integration;

/// <summary>The README's install commands and the demo, run as a user would.</summary>
[TestFixture]
[Category("Integration")]
[Platform(Exclude = "Win", Reason = "POSIX: the demo is a bash script")]
public sealed class PackagingTests
{
    [Test]
    public async Task Pack_at_the_root_installs_the_native_aot_tool_which_works_end_to_end()
    {
        using var temp = new TempDirectory();
        var packages = await Repository.PackagesAsync();
        var tools = temp.Combine("tools");

        var install = await RunAsync("dotnet", ["tool", "install", "awsmfa", "--tool-path", tools, "--source", packages, "--prerelease"], temp.Path);

        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        var packageVersion = Repository.PackageVersion(packages);
        Assert.That(Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName), Is.SupersetOf(new[]
        {
            $"awsmfa.{packageVersion}.nupkg", $"awsmfa.any.{packageVersion}.nupkg", $"awsmfa.{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}.{packageVersion}.nupkg",
        }));
        var executable = Path.Combine(tools, "awsmfa");
        var target = new FileInfo(executable).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? executable;
        Assert.That(target, Does.Contain($"awsmfa.{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}"), "the RID package, not the 'any' fallback");
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(target)!), Has.None.EndWith(".dll").And.None.EndWith(".pdb").And.None.EndWith(".dbg"), "a lone native executable");

        // The AOT binary against a real endpoint: a cache miss, a hit, and EC2.
        using var tool = new ToolProcess();
        using var moto = MotoServer.StartOrIgnore();
        var miss = await RunAsync(executable, ["session", "get", "--profile", "base", "--endpoint-url", moto.Url, "-t", "123456", "-o", "credential-process"], temp.Path, tool.Environment);
        var hit = await RunAsync(executable, ["session", "get", "--profile", "base", "--endpoint-url", moto.Url, "-o", "json"], temp.Path, tool.Environment);
        var list = await RunAsync(executable, ["ec2", "list", "--profile", "base", "--endpoint-url", moto.Url, "-o", "json"], temp.Path, tool.Environment);
        var version = await RunAsync(executable, ["--version"], temp.Path);

        Assert.That(miss.ExitCode, Is.Zero, miss.ToString());
        Assert.That(miss.Stdout, Does.StartWith("{\"Version\":1,"));
        Assert.That(hit.Stderr, Does.Contain("from the cache"), hit.ToString());
        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        Assert.That(list.Stdout.Trim(), Is.EqualTo("[]"));
        Assert.That(moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
        Assert.That(version.Stdout, Does.Match($@"^awsmfa {Regex.Escape(packageVersion)} \(commit [0-9a-f]{{12}}\)\n$"));

        // The demo, the way the README leaves a user: the installed awsmfa on PATH; then naming it.
        await AssertDemoRunsAsync(Repository.Root, new Dictionary<string, string> { ["PATH"] = PathWith(tools) }, "installed on PATH");
        await AssertDemoRunsAsync(Repository.Root, new Dictionary<string, string> { ["AWSMFA"] = executable }, "AWSMFA=");
    }

    /// <summary>The demo as the README leaves a user: run by bash, its findings checked; FUNCNEST turns runaway recursion into an error.</summary>
    private static async Task AssertDemoRunsAsync(string workingDirectory, Dictionary<string, string> environment, string how)
    {
        environment["FUNCNEST"] = "50";
        // A real user's shell: a region, a profile, keys and awsmfa settings of its own, none of
        // which may steer the demo.
        environment["AWS_REGION"] = "eu-west-1";
        environment["AWS_DEFAULT_REGION"] = "eu-west-1";
        environment["AWS_PROFILE"] = "work";
        environment["AWS_ACCESS_KEY_ID"] = "AKIAUSERSOWNKEY00001";
        environment["AWS_SECRET_ACCESS_KEY"] = "users-own-secret";
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";
        environment["AWSMFA_SERIAL_NUMBER"] = "arn:aws:iam::210987654321:mfa/someone-else";
        var result = await RunAsync("bash", [Path.Combine(workingDirectory, "scripts", "demo.sh")], workingDirectory, environment);

        Assert.That(result.ExitCode, Is.Zero, how + ": " + result);
        Assert.That(result.Stderr, Does.Contain("dry run: EC2 would terminate 1 instance").And.Contain("2 instances: 2 running"), how);
        Assert.That(result.Stdout, Does.Contain("running -> shutting-down").And.Contain("\"SessionToken\": \"***\""), how);
    }

    private static string PathWith(string folder) => folder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");

    [Test]
    public async Task Pack_without_a_c_toolchain_makes_the_portable_tool_and_the_demo_builds_and_runs_it()
    {
        // What the ILCompiler would use (clang, clang-NN, gcc), and an installed awsmfa.
        static bool IsHidden(string? name) => name is not null && (name.Contains("clang", StringComparison.Ordinal) || name.StartsWith("gcc", StringComparison.Ordinal) || name == "awsmfa");

        // A clean clone, and a PATH on which there is no clang or gcc (nor an installed awsmfa): the
        // demo then builds awsmfa from the checkout with the README's pack command.
        using var temp = new TempDirectory();
        var clone = temp.Combine("clone");
        var git = await RunAsync("git", ["clone", "-q", Repository.Root, clone], temp.Path);
        Assert.That(git.ExitCode, Is.Zero, git.ToString());
        var environment = new Dictionary<string, string> { ["PATH"] = Repository.PathHiding(name => IsHidden(name), temp.Combine("bin")) };
        var which = await RunAsync("sh", ["-c", "command -v clang gcc awsmfa || echo none"], temp.Path, environment);
        Assert.That(which.Stdout.Trim(), Is.EqualTo("none"), "the test's PATH hides clang and awsmfa");

        var demo = await RunAsync("bash", [Path.Combine(clone, "scripts", "demo.sh")], clone, new Dictionary<string, string>(environment) { ["FUNCNEST"] = "50" });

        Assert.That(demo.ExitCode, Is.Zero, demo.ToString());
        Assert.That(demo.Stderr, Does.Contain("warning AWSMFA001: no C toolchain for Native AOT was found"));
        Assert.That(demo.Stderr.Split('\n').Count(l => l.Contains("AWSMFA001", StringComparison.Ordinal)), Is.EqualTo(1), "one warning line");
        Assert.That(demo.Stderr, Does.Not.Contain("awsmfa: note:"), "and nothing about a cross build that was never possible");
        Assert.That(demo.Stderr, Does.Contain("dry run: EC2 would terminate 1 instance").And.Contain("2 instances: 2 running"));
    }

    [Test]
    public async Task The_readme_install_works_where_clang_and_lld_are_there_but_not_the_arm64_libraries()
    {
        // A developer box with `apt-get install clang lld` and no arm64 C library: the probe for
        // the cross build fails with the linker's canonical "ld.lld : error :" lines, which must
        // neither fail the pack nor keep `dotnet tool install` from running.
        if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier != "linux-x64")
        {
            Assert.Ignore("the linux-arm64 cross probe runs on linux-x64 hosts");
        }

        var sysroots = new[] { "/usr/aarch64-linux-gnu", "/usr/lib/gcc-cross" }.Where(Directory.Exists).ToList();
        var canHide = Environment.UserName == "root" && Processes.FindOnPath("unshare") is not null;
        if (Processes.FindOnPath("clang") is null || Processes.FindOnPath("ld.lld") is null || !canHide)
        {
            var why = "needs clang, lld, and root with unshare (to hide the arm64 libraries in a private mount namespace)";
            if (Environment.GetEnvironmentVariable("AWSMFA_TEST_REQUIRE_CROSS") == "1")
            {
                Assert.Fail(why);
            }

            Assert.Ignore(why);
        }

        using var temp = new TempDirectory();
        var clone = temp.Combine("clone");
        var git = await RunAsync("git", ["clone", "-q", Repository.Root, clone], temp.Path);
        Assert.That(git.ExitCode, Is.Zero, git.ToString());
        var readme = await File.ReadAllTextAsync(Path.Combine(clone, "README.md"));
        var install = Regex.Match(readme, @"## Install and run.*?```sh\n(?<command>[^\n]+)\n```", RegexOptions.Singleline).Groups["command"].Value;
        Assert.That(install, Does.StartWith("dotnet pack").And.Contain("dotnet tool install -g awsmfa"), "the README's one-liner");

        // The user's own HOME (where -g installs), the machine's NuGet cache (no re-download).
        var home = temp.Combine("home");
        Directory.CreateDirectory(home);
        var hide = string.Concat(sysroots.Select(folder => $"mount -t tmpfs none '{folder}' && "));
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
                ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        var probe = await RunAsync("unshare", ["-m", "--propagation", "private", "bash", "-c", hide + "ls /usr/aarch64-linux-gnu/lib 2>/dev/null | wc -l"], clone, environment);
        Assert.That(probe.Stdout.Trim(), Is.EqualTo("0"), "the arm64 libraries are hidden: " + probe);

        var result = await RunAsync("unshare", ["-m", "--propagation", "private", "bash", "-c", hide + install], clone, environment);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("awsmfa: note: no linux-arm64 package"), "the probe ran and failed");
        Assert.That(result.Stdout + result.Stderr, Does.Not.Match(@"(?m)\berror\b.*(Scrt1|crt1|ld\.lld|lgcc)"), "no linker line reported as a build error");
        Assert.That(result.Stdout, Does.Contain("Usage:\n  awsmfa [command] [options]"), "the installed awsmfa ran its --help");
        Assert.That(Directory.GetFiles(Path.Combine(clone, "artifacts"), "awsmfa.linux-arm64.*.nupkg"), Is.Empty);
    }
}
