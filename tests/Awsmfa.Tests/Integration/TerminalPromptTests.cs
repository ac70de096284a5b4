using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// The code prompt on a real pseudo-terminal (script(1) gives the tool a controlling terminal)
/// while stdin, stdout and stderr are all redirected, as under $(...) and credential_process.
/// </summary>
[TestFixture]
[Category("Integration")]
[Platform("Linux", Reason = "util-linux script(1) gives the tool a terminal of its own")]
public sealed class TerminalPromptTests : MotoToolTest
{
    [Test]
    public async Task Asks_on_the_terminal_when_every_standard_stream_is_redirected()
    {
        var run = await Tool.RunOnTerminalAsync("123456\n", $"session get --profile base --endpoint-url {Moto.Url} -o credential-process");

        Assert.That(run.ExitCode, Is.Zero, run.Terminal + run.Stderr);
        Assert.That(run.Terminal, Does.Contain($"MFA code for {ToolProcess.Serial}: "));
        Assert.That(run.Stdout, Does.StartWith("{\"Version\":1,"), "stdout has only the credentials");
        Assert.That(run.Stderr, Does.Not.Contain("MFA code for"));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task Asks_again_after_a_malformed_code()
    {
        var run = await Tool.RunOnTerminalAsync("12x\n654321\n", $"session get --profile base --endpoint-url {Moto.Url}");

        Assert.That(run.ExitCode, Is.Zero, run.Terminal + run.Stderr);
        Assert.That(run.Terminal, Does.Contain("That is not a valid code"));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [TestCase("session get --profile base --endpoint-url {0} -o credential-process", "123456\n")]
    [TestCase("\"[suggest:22]\" \"awsmfa session get --pr\"", "")]
    [TestCase("session get --help", "")]
    public async Task Leaves_the_terminal_as_it_was_no_keypad_mode(string arguments, string typed)
    {
        // stdin and stderr on the terminal, as when a person runs awsmfa (or presses Tab).
        var stdout = Path.Combine(Tool.Home, "stdout");
        var start = Tool.OnTerminal($"{ToolProcess.ShellCommand} {string.Format(System.Globalization.CultureInfo.InvariantCulture, arguments, Moto.Url)} > '{stdout}'");
        using var process = Process.Start(start)!;
        var terminal = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.WriteAsync(typed);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        process.StandardInput.Close();

        var seen = await terminal;
        Assert.That(process.ExitCode, Is.Zero, seen);
        Assert.That(seen.Contains("\u001b[?1h", StringComparison.Ordinal) || seen.Contains("\u001b=", StringComparison.Ordinal), Is.False,
            "no keypad-transmit sequence: " + seen.Replace("\u001b", "ESC", StringComparison.Ordinal));
    }

    [Test]
    public async Task Ctrl_C_at_the_prompt_ends_the_prompts_line_first()
    {
        // stderr on the terminal too, as when a person runs awsmfa.
        var start = Tool.OnTerminal($"{ToolProcess.ShellCommand} session get --profile base --endpoint-url {Moto.Url} > /dev/null < /dev/null");
        using var process = Process.Start(start)!;
        var seen = new System.Text.StringBuilder();
        var buffer = new char[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!seen.ToString().Contains("MFA code for", StringComparison.Ordinal))
        {
            var read = await process.StandardOutput.ReadAsync(buffer.AsMemory(), timeout.Token);
            Assert.That(read, Is.Positive, "the prompt appears: " + seen);
            seen.Append(buffer, 0, read);
        }

        // What the terminal's Ctrl-C sends: the line discipline turns it into SIGINT.
        await process.StandardInput.WriteAsync("\u0003");
        await process.StandardInput.FlushAsync();
        try
        {
            seen.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail(Processes.DescribeStuck(process.Id) + "\nthe terminal showed: " + seen);
        }

        Assert.That(seen.ToString(), Does.Match(@"MFA code for [^\n]*: \^C\r?\nawsmfa: interrupted"), seen.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.Zero);
    }
}
