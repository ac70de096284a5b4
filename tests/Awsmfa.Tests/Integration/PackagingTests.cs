using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>The README's install commands and the demo, run as a user would.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class PackagingTests
{
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "awsmfa.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("awsmfa.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<CliResult> RunAsync(string program, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    [Test]
    public async Task Pack_at_the_root_installs_the_native_aot_tool_which_works_end_to_end()
    {
        using var temp = new TempDirectory();
        var packages = temp.Combine("packages");
        var tools = temp.Combine("tools");

        var pack = await RunAsync("dotnet", ["pack", "-c", "Release", "-o", packages], RepositoryRoot());
        var install = await RunAsync("dotnet", ["tool", "install", "awsmfa", "--tool-path", tools, "--add-source", packages], temp.Path);

        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        Assert.That(Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName), Is.SupersetOf(new[]
        {
            "awsmfa.0.1.0.nupkg", "awsmfa.any.0.1.0.nupkg", $"awsmfa.{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}.0.1.0.nupkg",
        }));
        var executable = Path.Combine(tools, "awsmfa");
        var target = new FileInfo(executable).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? executable;
        Assert.That(target, Does.Contain($"awsmfa.{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}"), "the RID package, not the 'any' fallback");
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(target)!), Has.None.EndWith(".dll").And.None.EndWith(".pdb").And.None.EndWith(".dbg"), "a lone native executable");

        // The AOT binary against a real endpoint: a cache miss, a hit, and EC2.
        using var tool = new ToolProcess();
        var moto = MotoFixture.Server;
        moto.Reset();
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
        Assert.That(version.Stdout.Trim(), Does.Match(@"^\d+\.\d+\.\d+$"));
    }

    [Test]
    public async Task Demo_script_runs_end_to_end()
    {
        var result = await RunAsync(
            "bash",
            [Path.Combine(RepositoryRoot(), "scripts", "demo.sh")],
            RepositoryRoot(),
            new Dictionary<string, string> { ["AWSMFA"] = $"dotnet {ToolProcess.ToolPath}" });

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("dry run: EC2 would terminate 1 instance").And.Contain("2 instances: 2 running"));
        Assert.That(result.Stdout, Does.Contain("running -> shutting-down").And.Contain("\"SessionToken\": \"***\""));
    }
}
