using System.Diagnostics;
using System.Text;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// awsmfa on a terminal of its own (script(1)), driven as a person would: wait for a prompt,
/// type an answer. Everything the terminal showed is kept, for assertions and failure messages.
/// </summary>
internal sealed class TerminalSession : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _seen = new();
    private readonly char[] _buffer = new char[1024];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public TerminalSession(ToolProcess tool, string shellCommand) => _process = Process.Start(tool.OnTerminal(shellCommand))!;

    public string Seen => _seen.ToString();

    /// <summary>
    /// Reads until the terminal has shown <paramref name="text"/> after what earlier expectations
    /// matched (a prompt asked again is a new match); fails the test if the output ends first.
    /// </summary>
    public async Task ExpectAsync(string text)
    {
        int found;
        while ((found = Seen.IndexOf(text, _matched, StringComparison.Ordinal)) < 0)
        {
            var read = await _process.StandardOutput.ReadAsync(_buffer.AsMemory(), _timeout.Token);
            Assert.That(read, Is.Positive, $"the terminal shows '{text}': {Seen}");
            _seen.Append(_buffer, 0, read);
        }

        _matched = found + text.Length;
    }

    private int _matched;

    public async Task TypeAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the end; the exit code of the command script ran.</summary>
    public async Task<int> ExitAsync()
    {
        try
        {
            _seen.Append(await _process.StandardOutput.ReadToEndAsync(_timeout.Token));
            await _process.WaitForExitAsync(_timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail(Processes.DescribeStuck(_process.Id) + "\nthe terminal showed: " + Seen);
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _timeout.Dispose();
    }
}
