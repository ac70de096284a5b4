using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>Gets a code from a profile's <c>mfa_process</c>; tests give scripted answers.</summary>
internal interface IMfaProcess
{
    Task<string> GetCodeAsync(string command, CancellationToken cancellationToken);
}

/// <summary>
/// Runs a profile's <c>mfa_process</c> (a YubiKey, a password manager) for a code: through the
/// platform's shell, its stdout captured and its stderr passed to the terminal (so "Touch your
/// YubiKey" reaches the person), bounded by a timeout after which it is killed with its children.
/// </summary>
internal sealed class MfaProcess(IEnvironment environment, ITerminal terminal, Reporter reporter) : IMfaProcess
{
    private const string Setting = "mfa_process";
    public const string TimeoutVariable = "AWSMFA_MFA_PROCESS_TIMEOUT";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

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
        var timeout = HelperProcess.Timeout(environment, TimeoutVariable, DefaultTimeout);
        // With a terminal, its stdin is the terminal (a PIN, a password); without one, empty:
        // awsmfa's own stdin may carry data (ids for ec2 terminate -).
        var start = OperatingSystem.IsWindows()
            ? WindowsShell(command)
            : new ProcessStartInfo("/bin/sh", ["-c", terminal.IsAvailable ? TerminalStdin + command : command]);
        var output = await new HelperProcess(terminal, reporter).RunAsync(start, Setting, timeout, TimeoutVariable, cancellationToken).ConfigureAwait(false);

        // What it printed might be a secret (a password manager's other fields): never echoed.
        return TokenCode.TryNormalize(output.Text, out var code)
            ? code
            : throw output.Failed(Setting, $"printed something that is not an MFA code ({TokenCode.FormatHint})");
    }
}
