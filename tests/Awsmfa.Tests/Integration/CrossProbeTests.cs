using Awsmfa.Tests.Support;
using static Awsmfa.Tests.Integration.Repository;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// The pack's probe for the linux-arm64 cross build, on each way a cross toolchain can be half
/// there: the probe may fail, the pack never. The whole README install with the arm64 libraries
/// hidden is <see cref="PackagingTests"/>'s; here the probe's own targets run against a clang that
/// fails as each missing part makes the real one fail (so each case costs a second, not a pack).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class CrossProbeTests
{
    private TempDirectory _temp = null!;
    private string _clone = null!;

    [OneTimeSetUp]
    public async Task CloneAsync()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier != "linux-x64" || Processes.FindOnPath("clang") is null)
        {
            Assert.Ignore("the linux-arm64 cross probe runs on linux-x64 hosts with clang");
        }

        _temp = new TempDirectory();
        _clone = _temp.Combine("clone");
        var git = await RunAsync("git", ["clone", "-q", Root, _clone], _temp.Path);
        Assert.That(git.ExitCode, Is.Zero, git.ToString());
    }

    [OneTimeTearDown]
    public void TearDown() => _temp?.Dispose();

    // What clang and lld print, and how they end, when a part of the arm64 toolchain is missing.
    [TestCase("no arm64 C library", "echo 'ld.lld: error: cannot open Scrt1.o: No such file or directory' >&2; echo 'clang: error: linker command failed with exit code 1 (use -v to see invocation)' >&2; exit 1")]
    [TestCase("no arm64 libgcc", "echo 'ld.lld: error: unable to find library -lgcc' >&2; echo 'ld.lld: error: unable to find library -lgcc_s' >&2; exit 1")]
    [TestCase("no lld", "echo \"clang: error: invalid linker name in argument '-fuse-ld=lld'\" >&2; exit 1")]
    [TestCase("a clang that crashes", "echo 'error: PLEASE submit a bug report' >&2; echo 'Stack dump:' >&2; kill -SEGV $$")]
    [TestCase("a clang without the arm64 target", "echo \"error: unknown target triple 'aarch64-unknown-linux-gnu'\"; echo 'warning: treating as error' ; exit 1")]
    public async Task A_failing_probe_only_leaves_the_arm64_package_out(string situation, string failure)
    {
        var bin = _temp.Combine("bin-" + situation.Replace(' ', '-'));
        Directory.CreateDirectory(bin);
        var clang = Path.Combine(bin, "clang");
        // The host's own compiles go to the real clang; only the arm64 probe meets the failure.
        File.WriteAllText(clang, $"#!/bin/sh\ncase \"$*\" in *--target=aarch64*) {failure};; esac\nexec '{Processes.FindOnPath("clang")}' \"$@\"\n");
        File.SetUnixFileMode(clang, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        var result = await RunAsync(
            "dotnet",
            ["msbuild", "src/Awsmfa/Awsmfa.csproj", "-t:AwsmfaFindNativeToolchain;AwsmfaNoteNoCrossToolchain", "-p:_IsPacking=true", "-p:Configuration=Release", "-nologo", "-v:m"],
            _clone,
            environment);
        var properties = await RunAsync(
            "dotnet",
            ["msbuild", "src/Awsmfa/Awsmfa.csproj", "-t:AwsmfaFindNativeToolchain", "-p:_IsPacking=true", "-p:Configuration=Release", "-nologo", "-getProperty:AwsmfaAotRuntimeIdentifiers"],
            _clone,
            environment);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("awsmfa: note: no linux-arm64 package (its cross toolchain was not found)"), result.ToString());
        Assert.That(result.Stdout + result.Stderr, Does.Not.Match(@"(?mi)\b(error|warning)\b"), "nothing the probe printed is reported as a build error or warning");
        Assert.That(properties.Stdout.Trim(), Is.EqualTo("linux-x64"), "the host's own native package is still made: " + properties);
    }
}
