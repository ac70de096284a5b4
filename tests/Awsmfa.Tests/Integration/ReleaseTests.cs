using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Awsmfa.Tests.Support;
using static Awsmfa.Tests.Integration.Repository;

namespace Awsmfa.Tests.Integration;

/// <summary>What a release is made of: versions from git tags, package metadata, the cross-built Linux package.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReleaseTests
{
    [Test]
    public async Task A_tagged_clean_clone_packs_the_tag_version_with_public_feed_metadata_and_later_commits_sort_after_it()
    {
        using var temp = new TempDirectory();
        var clone = temp.Combine("clone");
        var output = temp.Combine("packages");
        var git = new[] { "-C", clone, "-c", "user.name=Test", "-c", "user.email=test@example.com" };
        Assert.That((await RunAsync("git", ["clone", "-q", Repository.Root, clone], temp.Path)).ExitCode, Is.Zero);
        Assert.That((await RunAsync("git", [.. git, "tag", "-a", "v9.8.7", "-m", "release 9.8.7"], temp.Path)).ExitCode, Is.Zero);
        Assert.That((await RunAsync("git", [.. git, "remote", "set-url", "origin", "git@github.com:example/awsmfa.git"], temp.Path)).ExitCode, Is.Zero);
        var commit = (await RunAsync("git", ["-C", clone, "rev-parse", "HEAD"], temp.Path)).Stdout.Trim();

        // The portable package is enough to read the version; the native ones are the same pack with -r.
        var pack = await RunAsync("dotnet", ["pack", "-c", "Release", "-o", output, "-p:AwsmfaNativeAot=false"], clone);

        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        Assert.That(Directory.GetFiles(output, "*.nupkg").Select(Path.GetFileName), Is.EquivalentTo(new[] { "awsmfa.9.8.7.nupkg", "awsmfa.any.9.8.7.nupkg" }));
        var nuspec = Repository.ReadEntry(Path.Combine(output, "awsmfa.9.8.7.nupkg"), "awsmfa.nuspec");
        Assert.That(nuspec, Does.Contain("<version>9.8.7</version>")
            .And.Contain("<authors>awsmfa contributors</authors>")
            .And.Contain("<license type=\"expression\">MIT</license>")
            .And.Contain("<readme>README.md</readme>")
            .And.Contain("<tags>aws mfa sts credentials credential-process ec2 cli dotnet-tool</tags>")
            .And.Contain("<projectUrl>https://github.com/example/awsmfa</projectUrl>")
            .And.Contain("<releaseNotes>https://github.com/example/awsmfa/releases/tag/v9.8.7</releaseNotes>")
            .And.Contain($"<repository type=\"git\" url=\"https://github.com/example/awsmfa.git\"")
            .And.Contain($"commit=\"{commit}\""));

        var tools = temp.Combine("tools");
        var install = await RunAsync("dotnet", ["tool", "install", "awsmfa", "--tool-path", tools, "--source", output], temp.Path);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        var version = await RunAsync(Path.Combine(tools, "awsmfa"), ["--version"], temp.Path);
        Assert.That(version.Stdout, Is.EqualTo($"awsmfa 9.8.7 (commit {commit[..12]})\n"), version.ToString());

        // One commit later: a pre-release of the next patch, which NuGet sorts after 9.8.7 and before 9.8.8.
        Assert.That((await RunAsync("git", [.. git, "commit", "-q", "--allow-empty", "-m", "after the release"], temp.Path)).ExitCode, Is.Zero);
        var next = await RunAsync("dotnet", ["msbuild", "src/Awsmfa/Awsmfa.csproj", "-restore", "-t:MinVer", "-getProperty:PackageVersion"], clone);
        Assert.That(next.Stdout.Trim(), Is.EqualTo("9.8.8-alpha.0.1"), next.ToString());
    }

    [Test]
    public async Task Without_a_tag_the_version_is_a_pre_release_and_without_a_web_remote_there_are_no_links()
    {
        using var temp = new TempDirectory();
        var clone = temp.Combine("clone");
        Assert.That((await RunAsync("git", ["clone", "-q", Repository.Root, clone], temp.Path)).ExitCode, Is.Zero);
        foreach (var tag in (await RunAsync("git", ["-C", clone, "tag"], temp.Path)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.That((await RunAsync("git", ["-C", clone, "tag", "-d", tag], temp.Path)).ExitCode, Is.Zero);
        }

        // The height as MinVer counts it: the shortest path from HEAD to the root (0), which a
        // merge makes shorter than the number of commits.
        var parents = (await RunAsync("git", ["-C", clone, "rev-list", "--parents", "HEAD"], temp.Path)).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToDictionary(ids => ids[0], ids => ids[1..]);
        var height = ShortestToRoot(parents, parents.Keys.First());

        var properties = await RunAsync("dotnet", ["msbuild", "src/Awsmfa/Awsmfa.csproj", "-restore", "-t:AwsmfaPackageLinks", "-getProperty:PackageVersion", "-getProperty:PackageProjectUrl", "-getProperty:PackageReleaseNotes"], clone);

        Assert.That(properties.ExitCode, Is.Zero, properties.ToString());
        Assert.That(properties.Stdout, Does.Contain($"\"PackageVersion\": \"0.1.0-alpha.0.{height}\"")
            .And.Contain("\"PackageProjectUrl\": \"\"").And.Contain("\"PackageReleaseNotes\": \"\""), "a clone of a local folder has no web address to link");
    }

    /// <summary>Commits from <paramref name="head"/> to a commit without parents, along the shortest path (breadth first).</summary>
    private static int ShortestToRoot(Dictionary<string, string[]> parents, string head)
    {
        var distance = new Dictionary<string, int> { [head] = 0 };
        var queue = new Queue<string>([head]);
        while (queue.TryDequeue(out var commit))
        {
            if (parents[commit].Length == 0)
            {
                return distance[commit];
            }

            foreach (var parent in parents[commit].Where(p => !distance.ContainsKey(p)))
            {
                distance[parent] = distance[commit] + 1;
                queue.Enqueue(parent);
            }
        }

        throw new InvalidOperationException("no root commit");
    }

    /// <summary>
    /// The other Linux architecture's package (linux-arm64, packed on linux-x64 with a cross
    /// toolchain) runs under qemu's user-mode emulator: the version, the help, and a session
    /// minted then served from the cache by a fake endpoint.
    /// </summary>
    [Test]
    [Platform("Linux")]
    public async Task The_cross_built_linux_package_runs_under_qemu_and_serves_a_cached_session()
    {
        var (rid, triple, machine, loader) = RuntimeInformation.OSArchitecture == Architecture.X64
            ? ("linux-arm64", "aarch64-linux-gnu", (ushort)183, "/lib/ld-linux-aarch64.so.1")
            : ("linux-x64", "x86_64-linux-gnu", (ushort)62, "/lib64/ld-linux-x86-64.so.2");
        var emulator = Processes.FindOnPath(rid == "linux-arm64" ? "qemu-aarch64" : "qemu-x86_64");
        var packages = await Repository.PackagesAsync();
        var version = Repository.PackageVersion(packages);
        var package = Path.Combine(packages, $"awsmfa.{rid}.{version}.nupkg");
        // The binary loads the target's C library and, to sign requests, its OpenSSL: Debian's
        // multiarch packages put both where the emulated loader looks.
        var libssl = $"/usr/lib/{triple}/libssl.so.3";
        if (!File.Exists(package) || emulator is null || !File.Exists(loader) || !File.Exists(libssl))
        {
            var why = $"to run the {rid} package under qemu, the pack needs its cross toolchain and the machine qemu-user, {loader} and {libssl} (Debian: dpkg --add-architecture, then apt-get install qemu-user libssl3:ARCH)";
            if (Environment.GetEnvironmentVariable("AWSMFA_TEST_REQUIRE_CROSS") == "1")
            {
                Assert.Fail(why + "; .ci/run installs them");
            }

            Assert.Ignore(why);
        }

        using var temp = new TempDirectory();
        var binary = Repository.Extract(package, $"tools/any/{rid}/awsmfa", temp.Path);
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var header = File.ReadAllBytes(binary).AsSpan(0, 20).ToArray();
        Assert.That(header[..4], Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }), "an ELF file");
        Assert.That(BitConverter.ToUInt16(header, 18), Is.EqualTo(machine), $"e_machine of {rid}");

        using var server = new FakeAwsServer();
        using var tool = new ToolProcess((emulator!, [binary]));
        var versionLine = await tool.RunAsync(null, "--version");
        var help = await tool.RunAsync(null, "--help");
        var miss = await tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", server.Url, "-t", "123456", "-o", "credential-process");
        var hit = await tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", server.Url, "-o", "credential-process");

        Assert.That(versionLine.Stdout, Does.Match($@"^awsmfa {Regex.Escape(version)} \(commit [0-9a-f]{{12}}\)\n$"), versionLine.ToString());
        Assert.That(help.ExitCode, Is.Zero, help.ToString());
        Assert.That(help.Stdout, Does.Contain("Usage:").And.Contain("session").And.Contain("Examples:"));
        Assert.That(miss.ExitCode, Is.Zero, miss.ToString());
        Assert.That(miss.Stderr, Does.Contain("new from STS"), miss.ToString());
        Assert.That(hit.ExitCode, Is.Zero, hit.ToString());
        Assert.That(hit.Stderr, Does.Contain("from the cache"), hit.ToString());
        Assert.That(hit.Stdout, Is.EqualTo(miss.Stdout).And.StartWith("{\"Version\":1,"));
        Assert.That(server.SessionsIssued, Is.EqualTo(1), "the second run asked STS nothing");
    }

    /// <summary>Where the cross toolchain is missing, the pack leaves its package out and says so once.</summary>
    [Test]
    [Platform("Linux")]
    public async Task Without_the_cross_linker_the_pack_notes_once_that_it_leaves_the_other_architecture_out()
    {
        if (Processes.FindOnPath("gcc") is null)
        {
            Assert.Ignore("no gcc: without clang there would be no C toolchain at all, which PackagingTests covers (AWSMFA001)");
        }

        // A machine with gcc but no clang (this one before .ci/run installs clang): the ILCompiler
        // builds for the host with gcc, but only clang cross-compiles.
        using var temp = new TempDirectory();
        var environment = new Dictionary<string, string> { ["PATH"] = Repository.PathHiding(name => name.StartsWith("clang", StringComparison.Ordinal), temp.Combine("bin")) };
        var project = Path.Combine(Repository.Root, "src", "Awsmfa", "Awsmfa.csproj");
        string[] probe = ["msbuild", project, "-p:_IsPacking=true", "-p:BaseIntermediateOutputPath=" + temp.Combine("obj") + "/", "-nologo"];

        var note = await RunAsync("dotnet", [.. probe, "-t:AwsmfaFindNativeToolchain;AwsmfaNoteNoCrossToolchain"], temp.Path, environment);
        var rids = await RunAsync("dotnet", [.. probe, "-t:AwsmfaFindNativeToolchain", "-getProperty:AwsmfaAotRuntimeIdentifiers"], temp.Path, environment);

        var host = RuntimeInformation.RuntimeIdentifier;
        var other = host == "linux-x64" ? "linux-arm64" : "linux-x64";
        Assert.That(note.ExitCode, Is.Zero, note.ToString());
        Assert.That(note.Stdout.Split('\n').Count(l => l.Contains("awsmfa: note:", StringComparison.Ordinal)), Is.EqualTo(1), note.ToString());
        Assert.That(note.Stdout, Does.Contain($"awsmfa: note: no {other} package (its cross toolchain was not found)"));
        Assert.That(rids.Stdout.Trim(), Is.EqualTo(host), rids.ToString());
    }
}
