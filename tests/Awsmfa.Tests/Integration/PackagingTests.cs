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
    public async Task Pack_at_the_root_leaves_everything_dotnet_tool_install_needs()
    {
        using var temp = new TempDirectory();
        var packages = temp.Combine("packages");
        var tools = temp.Combine("tools");

        var pack = await RunAsync("dotnet", ["pack", "-c", "Release", "-o", packages], RepositoryRoot());
        var install = await RunAsync("dotnet", ["tool", "install", "awsmfa", "--tool-path", tools, "--add-source", packages], temp.Path);
        var version = await RunAsync(Path.Combine(tools, "awsmfa"), ["--version"], temp.Path);

        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        Assert.That(version.ExitCode, Is.Zero, version.ToString());
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
