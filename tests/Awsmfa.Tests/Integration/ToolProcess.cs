using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// Runs the built awsmfa as its own process, as users and SDKs do: a clean environment with a
/// temp home, no controlling terminal (setsid), stdin given or closed.
/// </summary>
internal sealed class ToolProcess : IDisposable
{
    public const string AccessKeyId = "AKIALONGTERMEXAMPLE1";
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/INTEGRATIONSECRET";
    public const string Serial = "arn:aws:iam::123456789012:mfa/alice";

    private readonly TempDirectory _home = new();
    private readonly (string Program, string[] Prefix) _command;

    /// <param name="command">What runs the tool, if not <see cref="Command"/> (an emulator and the binary it runs).</param>
    public ToolProcess((string Program, string[] Prefix)? command = null)
    {
        _command = command ?? Command;
        Directory.CreateDirectory(AwsFolder);
        File.WriteAllText(Path.Combine(AwsFolder, "credentials"), $"""
            [base]
            aws_access_key_id = {AccessKeyId}
            aws_secret_access_key = {SecretAccessKey}
            mfa_serial = {Serial}
            """);
        File.WriteAllText(Path.Combine(AwsFolder, "config"), """
            [profile base]
            region = us-east-1
            """);
        Environment["HOME"] = _home.Path;
        Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(AwsFolder, "credentials");
        Environment["AWS_CONFIG_FILE"] = Path.Combine(AwsFolder, "config");
        Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // No desktop dialog unless a test shows one on a display of its own (Xvfb): the
        // developer's own display, or a Windows runner's desktop, would wait for a person.
        Environment["DISPLAY"] = "";
        Environment["WAYLAND_DISPLAY"] = "";
        if (OperatingSystem.IsWindows())
        {
            // Windows' profile folder is the known folder, not HOME: the cache would be the runner's own.
            Environment["USERPROFILE"] = _home.Path;
            Environment["AWSMFA_CACHE_DIR"] = CacheFolder;
            Environment["AWSMFA_PROMPT"] = "terminal";
        }
    }

    /// <summary>Variables set for the child, on top of PATH and the .NET host's own.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string Home => _home.Path;

    /// <summary>The folder the tool starts in; the test runner's own when null.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Runs the tool under setsid (no controlling terminal); off where a test signals the tool's own pid.</summary>
    public bool DetachFromTerminal { get; set; } = true;

    public string AwsFolder => Path.Combine(_home.Path, ".aws");

    public string CacheFolder => Path.Combine(_home.Path, ".aws", "awsmfa", "cache");

    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "awsmfa.dll");

    /// <summary>
    /// The installed tool when <c>AWSMFA_TEST_TOOL</c> names it (.ci/run installs it with the
    /// README's commands, so process tests run what users run, natively compiled and quick to
    /// start); otherwise the build beside the tests, through the dotnet host.
    /// </summary>
    public static string? Installed => System.Environment.GetEnvironmentVariable("AWSMFA_TEST_TOOL") is { Length: > 0 } tool && File.Exists(tool) ? tool : null;

    /// <summary>The program and the arguments before awsmfa's own that run the tool.</summary>
    public static (string Program, string[] Prefix) Command => Installed is { } tool
        ? (tool, [])
        : (System.Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet", [ToolPath]);

    /// <summary>The tool as a POSIX shell word list, for scripts and credential_process lines.</summary>
    public static string ShellCommand => string.Join(' ', new[] { Command.Program }.Concat(Command.Prefix).Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    public async Task<CliResult> RunAsync(string? stdin, params string[] args) => await RunAsync(stdin, TimeSpan.FromSeconds(60), args);

    public Task<CliResult> RunAsync(string? stdin, TimeSpan timeout, params string[] args) =>
        Processes.RunAsync(StartInfo(args), stdin, timeout, "awsmfa " + string.Join(' ', args));

    public ProcessStartInfo StartInfo(IEnumerable<string> args) => StartInfo(_command.Program, [.. _command.Prefix, .. args]);

    /// <summary><paramref name="program"/> with this tool's environment, under setsid unless <see cref="DetachFromTerminal"/> is off.</summary>
    private ProcessStartInfo StartInfo(string program, IEnumerable<string> args)
    {
        (program, args) = Processes.WithDefaultSignals(program, args);
        var setsid = DetachFromTerminal && !OperatingSystem.IsWindows() ? Processes.FindOnPath("setsid") : null;
        var start = setsid is not null
            ? new ProcessStartInfo(setsid, ["-w", program, .. args])
            : new ProcessStartInfo(program, args);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        if (WorkingDirectory is not null)
        {
            start.WorkingDirectory = WorkingDirectory;
        }

        // Windows' counterpart of setsid: a console nobody sees, as CI runners and schedulers give.
        start.CreateNoWindow = DetachFromTerminal;
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>
    /// Runs <paramref name="shellCommand"/> on a pseudo-terminal of its own (script(1) makes it
    /// the controlling terminal), with this tool's environment; what is typed goes to script's stdin.
    /// </summary>
    public ProcessStartInfo OnTerminal(string shellCommand)
    {
        var script = Processes.FindOnPath("script");
        if (script is null)
        {
            Assert.Ignore("script(1) is not installed (util-linux)");
        }

        var start = StartInfo([]);
        start.FileName = script!;
        start.ArgumentList.Clear();
        foreach (var argument in new[] { "-qec", shellCommand, "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>
    /// Runs awsmfa with <paramref name="arguments"/> (shell words) on a terminal of its own, typing
    /// <paramref name="typed"/> there, with stdin from /dev/null and stdout and stderr in files, as
    /// under $(...) and credential_process: what the terminal showed, and each stream.
    /// </summary>
    public async Task<(int ExitCode, string Terminal, string Stdout, string Stderr)> RunOnTerminalAsync(string typed, string arguments)
    {
        var stdout = Path.Combine(Home, "terminal-stdout");
        var stderr = Path.Combine(Home, "terminal-stderr");
        using var process = Process.Start(OnTerminal($"{ShellCommand} {arguments} > '{stdout}' 2> '{stderr}' < /dev/null"))!;
        var terminal = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.WriteAsync(typed);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await terminal, File.ReadAllText(stdout), File.ReadAllText(stderr));
    }

    /// <summary>Runs another program (a shell, the aws CLI) with this tool's environment and no terminal.</summary>
    public Task<CliResult> RunProgramAsync(string program, params string[] args) =>
        Processes.RunAsync(StartInfo(program, args), null, TimeSpan.FromSeconds(90), program + " " + string.Join(' ', args));

    public void Dispose() => _home.Dispose();
}
