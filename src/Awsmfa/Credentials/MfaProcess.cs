using System.ComponentModel;
using System.Diagnostics;
using System.Text;
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

    // Tried in a subshell first: a failed redirection of exec would end the shell itself.
    private const string TerminalStdin = "if (exec 0</dev/tty) 2>/dev/null; then exec 0</dev/tty; fi\n";

    /// <summary>
    /// <c>cmd /d /s /c "COMMAND"</c>, the command line passed verbatim: cmd does not read the
    /// backslash escapes that quoting each argument would add (<c>"C:\Program Files\…"</c> and
    /// quoted account names must reach it as written). /d skips AutoRun commands.
    /// </summary>
    internal static ProcessStartInfo WindowsShell(string command) =>
        // System32's own cmd: not one found first in the current folder, nor a ComSpec that
        // names another shell with other rules.
        new(Path.Combine(Environment.SystemDirectory, "cmd.exe"), "/d /s /c \"" + command + "\"");

    /// <summary>The code it printed, trimmed; exit 2 naming mfa_process for anything else.</summary>
    public async Task<string> GetCodeAsync(string command, CancellationToken cancellationToken)
    {
        var timeout = Timeout();
        var onTerminal = terminal.IsAvailable;
        // With a terminal, its stdin is the terminal (a PIN, a password); without one, empty:
        // awsmfa's own stdin may carry data (ids for ec2 terminate -).
        var start = OperatingSystem.IsWindows()
            ? WindowsShell(command)
            : new ProcessStartInfo("/bin/sh", ["-c", onTerminal ? TerminalStdin + command : command]);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // On Windows a child reads the console through its own CONIN$, as awsmfa does; its stdin
        // stays empty all the same.
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
            var said = new StringBuilder();
            var printed = new StringBuilder();
            var errors = Task.Run(() => RelayAsync(process.StandardError, said), CancellationToken.None);
            var output = Task.Run(() => CollectAsync(process.StandardOutput, printed), CancellationToken.None);

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

            // A child it left in the background may hold the pipes open: what was written by the
            // time it exited (and a moment after) is what it said.
            await Task.WhenAny(Task.WhenAll(output, errors), Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
            string text, lastLine;
            lock (printed)
            {
                text = printed.ToString();
            }

            lock (said)
            {
                lastLine = said.ToString().Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "";
            }

            if (process.ExitCode != 0)
            {
                throw Failed($"exited with {process.ExitCode}" + (lastLine.Length > 0 ? $": {Printable.OneLine(lastLine)}" : ""));
            }

            // What it printed might be a secret (a password manager's other fields): never echoed.
            return TokenCode.TryNormalize(text, out var code)
                ? code
                : throw Failed($"printed something that is not an MFA code ({TokenCode.FormatHint})");
        }
    }

    /// <summary>Passes what it says on stderr to the person as it comes (a prompt may have no line break), and keeps it.</summary>
    private async Task RelayAsync(StreamReader reader, StringBuilder said)
    {
        var buffer = new char[256];
        var pending = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            var chunk = new string(buffer, 0, read);
            lock (said)
            {
                if (said.Length < MaxOutput)
                {
                    said.Append(chunk);
                }
            }

            if (terminal.IsAvailable)
            {
                // As if the person had run it: the program is theirs, named in their own profile.
                terminal.Write(chunk);
            }
            else
            {
                // Whole lines, however the pipe cut them (cmd ends its lines with \r\n); blank ones
                // dropped; a line that never ends is cut at MaxOutput.
                var end = chunk.LastIndexOf('\n');
                if (end >= 0)
                {
                    Report(pending.Append(chunk, 0, end).ToString());
                    pending.Clear().Append(chunk, end + 1, chunk.Length - end - 1);
                }
                else if (pending.Append(chunk).Length >= MaxOutput)
                {
                    Report(pending.ToString());
                    pending.Clear();
                }
            }
        }

        Report(pending.ToString());

        void Report(string lines)
        {
            foreach (var line in lines.Split('\n'))
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    reporter.Info("mfa_process: " + Printable.OneLine(line.TrimEnd('\r')));
                }
            }
        }
    }

    private static async Task CollectAsync(StreamReader reader, StringBuilder printed)
    {
        var buffer = new char[256];
        int read;
        while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            lock (printed)
            {
                if (printed.Length < MaxOutput)
                {
                    printed.Append(buffer, 0, read);
                }
            }
        }
    }

    private static AwsmfaException Failed(string what) => AwsmfaException.Usage($"mfa_process {what}; no STS call was made");

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
