using System.ComponentModel;
using System.Diagnostics;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Runs a profile's <c>mfa_process</c> (a YubiKey, a password manager) for a code: through the
/// platform's shell, its stdout captured and its stderr passed to the terminal (so "Touch your
/// YubiKey" reaches the person), bounded by a timeout after which it is killed with its children.
/// </summary>
internal sealed class MfaProcess(IEnvironment environment, ITerminal terminal, Reporter reporter)
{
    public const string TimeoutVariable = "AWSMFA_MFA_PROCESS_TIMEOUT";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private const int MaxOutput = 4096;

    /// <summary>The code it printed, trimmed; exit 2 naming mfa_process for anything else.</summary>
    public async Task<string> GetCodeAsync(string command, CancellationToken cancellationToken)
    {
        var timeout = Timeout();
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe", ["/d", "/c", command])
            : new ProcessStartInfo("/bin/sh", ["-c", command]);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // Its stdin is empty: awsmfa's own may carry data (ids for ec2 terminate -); tools that
        // need a person open the terminal themselves.
        start.RedirectStandardInput = true;
        start.Environment.Remove(MfaCodeSource.EnvironmentVariable);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw Failed("could not be started");
        }
        catch (Win32Exception e)
        {
            throw Failed($"could not be started ({e.Message})");
        }

        using (process)
        {
            process.StandardInput.Close();
            string? lastError = null;
            var errors = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
                {
                    lastError = line;
                    Show(line);
                }
            }, CancellationToken.None);
            var output = ReadCappedAsync(process.StandardOutput);

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw Failed($"did not finish within {DurationParser.Humanize(timeout)} and was stopped ({TimeoutVariable})");
            }

            var printed = await output.ConfigureAwait(false);
            await errors.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw Failed($"exited with {process.ExitCode}" + (lastError is { } said ? $": {Printable.OneLine(said)}" : ""));
            }

            // What it printed might be a secret (a password manager's other fields): never echoed.
            return TokenCode.TryNormalize(printed, out var code)
                ? code
                : throw Failed($"printed something that is not an MFA code ({TokenCode.FormatHint})");
        }
    }

    private static AwsmfaException Failed(string what) => AwsmfaException.Usage($"mfa_process {what}; no STS call was made");

    private void Show(string line)
    {
        if (terminal.IsAvailable)
        {
            terminal.WriteLine(Printable.Clean(line));
        }
        else
        {
            reporter.Info("mfa_process: " + Printable.OneLine(line));
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader)
    {
        var buffer = new char[MaxOutput];
        var total = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(total, MaxOutput - total)).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total == MaxOutput)
            {
                // Drain the rest so the process is not blocked writing it.
                while (await reader.ReadAsync(buffer.AsMemory(0, MaxOutput)).ConfigureAwait(false) > 0)
                {
                }

                return new string('x', MaxOutput);
            }
        }

        return new string(buffer, 0, total);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It ended meanwhile.
        }
    }

    private TimeSpan Timeout()
    {
        if (environment.Get(TimeoutVariable) is not { } text)
        {
            return DefaultTimeout;
        }

        return DurationParser.TryParseSeconds(text, out var seconds) && seconds is > 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw AwsmfaException.Usage($"{TimeoutVariable} must be a duration from 1s to 1h, such as 60, 30s or 2m");
    }
}
