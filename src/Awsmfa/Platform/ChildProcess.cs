using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Awsmfa.Platform;

/// <summary>Runs a program with a given environment, its standard streams inherited, and returns its exit code.</summary>
internal interface IChildProcessRunner
{
    /// <param name="environment">The child's whole environment.</param>
    Task<int> RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);
}

internal sealed partial class ChildProcessRunner : IChildProcessRunner
{
    public async Task<int> RunAsync(
        string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new AwsmfaException(126, $"could not start {program}");
        }
        catch (Win32Exception e) when (e.NativeErrorCode == 2)
        {
            // As a shell says it: 127 for a command that is not there, 126 for one that cannot run.
            throw new AwsmfaException(127, $"{program}: command not found");
        }
        catch (Win32Exception e)
        {
            throw new AwsmfaException(126, $"{program}: {e.Message}");
        }

        using (process)
        using (SignalRouting.RouteToChild(process.Id))
        {
            // awsmfa waits for the child whatever signals arrive (see SignalRouting), rather
            // than leaving it orphaned, and returns its exit code.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return process.ExitCode;
        }
    }

    /// <summary>Passes a signal on to a child process.</summary>
    public static void Signal(int processId, int signal)
    {
        if (!OperatingSystem.IsWindows() && processId > 0)
        {
            _ = Kill(processId, signal);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
