using System.ComponentModel;
using System.Diagnostics;

namespace Awsmfa.Platform;

/// <summary>Runs a program with a given environment, its standard streams inherited, and returns its exit code.</summary>
internal interface IChildProcessRunner
{
    /// <param name="environment">The child's whole environment.</param>
    Task<int> RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);
}

internal sealed class ChildProcessRunner(SignalRouter signals) : IChildProcessRunner
{
    public async Task<int> RunAsync(
        string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var resolved = ProgramPath.Resolve(program, environment.TryGetValue("PATH", out var path) ? path : null)
            ?? throw new AwsmfaException(ExitCodes.CommandNotFound, $"{program}: command not found");
        var start = new ProcessStartInfo(resolved) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        // Routed before the child starts: a signal in between must neither end awsmfa (and orphan
        // the child) nor be lost; it is passed on once the child has a pid.
        using var route = signals.BeginChild();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new AwsmfaException(ExitCodes.CommandCannotRun, $"could not start {program}");
        }
        catch (Win32Exception e) when (e.NativeErrorCode == 2)
        {
            throw new AwsmfaException(ExitCodes.CommandNotFound, $"{program}: command not found");
        }
        catch (Win32Exception e)
        {
            throw new AwsmfaException(ExitCodes.CommandCannotRun, $"{program}: {e.Message}");
        }

        using (process)
        {
            route.Attach(process.Id);
            // awsmfa waits for the child whatever signals arrive, rather than leaving it
            // orphaned, and returns its exit code.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return process.ExitCode;
        }
    }
}
