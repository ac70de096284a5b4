using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Runs a program a profile names to get a secret (<c>mfa_process</c>, <c>credential_process</c>):
/// its stdout captured (never echoed: it is a secret) and capped, its stderr passed to the person
/// as it comes ("Touch your YubiKey"), bounded by a timeout after which it is killed with its
/// children. A failure is exit 2 naming the setting and relaying its last line; no AWS call follows.
/// </summary>
internal sealed class HelperProcess(ITerminal terminal, Reporter reporter)
{
    /// <summary>More than any code or credentials JSON; a program that prints more is cut off.</summary>
    public const int MaxOutput = 64 * 1024;

    /// <summary>How much of what it says on stderr is kept for a failure's message (its last line).</summary>
    private const int SaidTail = 4096;

    /// <param name="setting">What the user configured, as messages name it (<c>mfa_process</c>).</param>
    /// <param name="timeoutVariable">The variable that changes <paramref name="timeout"/>, named when it runs out.</param>
    /// <returns>What the program printed on stdout, and the last line it said on stderr.</returns>
    public async Task<HelperOutput> RunAsync(ProcessStartInfo start, string setting, TimeSpan timeout, string timeoutVariable, CancellationToken cancellationToken)
    {
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
            process = Process.Start(start) ?? throw Failed(setting, "could not be started");
        }
        catch (Win32Exception e)
        {
            throw Failed(setting, $"could not be started ({e.Message})");
        }

        using (process)
        {
            process.StandardInput.Close();
            var said = new StringBuilder();
            var printed = new StringBuilder();
            var errors = Task.Run(() => RelayAsync(process.StandardError, said, setting), CancellationToken.None);
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

                // What it said before it was stopped ("waiting for Touch ID") is why it hung.
                await Task.WhenAny(errors, Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None)).ConfigureAwait(false);
                throw new HelperOutput("", LastLine()).Failed(setting, $"did not finish within {DurationParser.Humanize(timeout)} and was stopped ({timeoutVariable})");
            }

            // A child it left in the background may hold the pipes open: what was written by the
            // time it exited (and a moment after) is what it said.
            await Task.WhenAny(Task.WhenAll(output, errors), Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
            string text;
            lock (printed)
            {
                text = printed.ToString();
            }

            var result = new HelperOutput(text, LastLine());
            if (process.ExitCode != 0)
            {
                throw Failed(setting, $"exited with {process.ExitCode}" + (result.LastLine.Length > 0 ? $": {Printable.OneLine(result.LastLine)}" : ""));
            }

            return result.Text.Length > MaxOutput
                ? throw result.Failed(setting, $"printed more than {MaxOutput / 1024} KiB, more than any code or credentials")
                : result;

            string LastLine()
            {
                lock (said)
                {
                    return said.ToString().Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "";
                }
            }
        }
    }

    public static AwsmfaException Failed(string setting, string what) => AwsmfaException.Usage($"{setting} {what}; no AWS call was made");

    /// <summary>Passes what it says on stderr to the person as it comes (a prompt may have no line break), and keeps it.</summary>
    private async Task RelayAsync(StreamReader reader, StringBuilder said, string setting)
    {
        var buffer = new char[256];
        var pending = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            var chunk = new string(buffer, 0, read);
            lock (said)
            {
                // Its last words are what a failure repeats: a rolling tail, not the first 64 KiB.
                said.Append(chunk);
                if (said.Length > 2 * SaidTail)
                {
                    said.Remove(0, said.Length - SaidTail);
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
                    reporter.Relay($"{setting}: " + Printable.OneLine(line.TrimEnd('\r')));
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
                // One character past the cap tells a program that printed too much from one that fit.
                if (printed.Length <= MaxOutput)
                {
                    printed.Append(buffer, 0, Math.Min(read, MaxOutput + 1 - printed.Length));
                }
            }
        }
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

    /// <summary>A timeout from <paramref name="variable"/> (1 s to 1 h), else <paramref name="fallback"/>.</summary>
    public static TimeSpan Timeout(IEnvironment environment, string variable, TimeSpan fallback)
    {
        if (environment.Get(variable) is not { } text)
        {
            return fallback;
        }

        return DurationParser.TryParseSeconds(text, out var seconds) && seconds is > 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw AwsmfaException.Usage($"{variable} must be a duration from 1s to 1h, such as 60, 30s or 2m");
    }
}

/// <summary>What a helper printed on stdout (a secret: never shown), and the last line it said on stderr.</summary>
internal sealed record HelperOutput(string Text, string LastLine)
{
    /// <summary>Never the text: it holds keys or a code.</summary>
    public override string ToString() => $"HelperOutput {{ Text = ({Text.Length} characters), LastLine = {LastLine} }}";

    /// <summary>Exit 2 naming the setting and what is wrong with its answer, and relaying the last line it said.</summary>
    public AwsmfaException Failed(string setting, string what) =>
        HelperProcess.Failed(setting, LastLine.Length > 0 ? $"{what} (it said: {Printable.OneLine(LastLine)})" : what);
}
