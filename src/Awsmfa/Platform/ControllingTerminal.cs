using System.Text;

namespace Awsmfa.Platform;

/// <summary>
/// The user's terminal, whatever stdin and stdout are: /dev/tty on Linux and macOS, the console
/// (CONIN$/CONOUT$) on Windows. Prompts and their answers never touch stdin or stdout.
/// </summary>
internal sealed class ControllingTerminal : ITerminal, IDisposable
{
    private readonly Lazy<FileStream?> _device = new(Open);
    private readonly Lazy<WindowsConsole?> _console = new(() => OperatingSystem.IsWindows() ? WindowsConsole.Open() : null);

    public bool IsAvailable => OperatingSystem.IsWindows() ? _console.Value is not null : _device.Value is not null;

    public bool StdoutIsTerminal => !Console.IsOutputRedirected;

    public Task<string?> PromptAsync(string prompt, CancellationToken cancellationToken) =>
        PromptAsync(prompt, echo: true, cancellationToken);

    public async Task<string?> PromptSecretAsync(string prompt, CancellationToken cancellationToken)
    {
        var answer = await PromptAsync(prompt, echo: false, cancellationToken).ConfigureAwait(false);
        // The Enter that ended the line was not echoed either.
        WriteLine("");
        return answer;
    }

    private async Task<string?> PromptAsync(string prompt, bool echo, CancellationToken cancellationToken)
    {
        // Echo goes off before the prompt is shown: an answer typed the moment it appears must
        // not be echoed in the gap.
        using var quiet = echo || OperatingSystem.IsWindows() ? null : TerminalEcho.Off((_device.Value ?? throw new InvalidOperationException("No terminal.")).SafeFileHandle);
        Write(prompt);
        // A read from a terminal cannot be cancelled, so the wait is: Ctrl-C must end the
        // process at once instead of after the user presses Enter.
        try
        {
            return await Task.Run(() => ReadLine(echo), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The terminal echoed ^C on the prompt's line: what comes next starts a line of its own.
            WriteLine("");
            throw;
        }
    }

    public void WriteLine(string text) => Write(text + (OperatingSystem.IsWindows() ? "\r\n" : "\n"));

    public void Write(string text)
    {
        if (OperatingSystem.IsWindows())
        {
            (_console.Value ?? throw new InvalidOperationException("No console.")).Write(text);
            return;
        }

        var device = _device.Value ?? throw new InvalidOperationException("No terminal.");
        device.Write(Encoding.UTF8.GetBytes(text));
        device.Flush();
    }

    public void Dispose()
    {
        if (_device.IsValueCreated)
        {
            _device.Value?.Dispose();
        }

        if (OperatingSystem.IsWindows() && _console.IsValueCreated)
        {
            _console.Value?.Dispose();
        }
    }

    private string? ReadLine(bool echo)
    {
        if (OperatingSystem.IsWindows())
        {
            return (_console.Value ?? throw new InvalidOperationException("No console.")).ReadLine(echo);
        }

        return StandardInput.ReadLine(_device.Value ?? throw new InvalidOperationException("No terminal."));
    }

    /// <summary>/dev/tty, read only where there is one (not on Windows, which has the console).</summary>
    private static FileStream? Open()
    {
        try
        {
            // Opening /dev/tty fails with ENXIO when the process has no controlling terminal
            // (CI, cron, an SDK without a console): that is "no terminal", never a hang.
            return new FileStream("/dev/tty", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }
}
