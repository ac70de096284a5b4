using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// A real zenity on a virtual display (Xvfb): the installed tool, started with no terminal and a
/// DISPLAY, shows the dialog; xdotool types into it as a person would.
/// </summary>
[TestFixture]
[Category("Integration")]
// Serial: it owns an X display and requires a dialog to close within a second of Escape.
[NonParallelizable]
[Platform(Include = "Linux", Reason = "zenity under Xvfb")]
public sealed class DesktopDialogTests
{
    private Process? _xvfb;
    private string _display = null!;
    private FakeAwsServer _aws = null!;
    private ToolProcess _tool = null!;

    [SetUp]
    public async Task StartADisplay()
    {
        if (Processes.FindOnPath("Xvfb") is not { } xvfb || Processes.FindOnPath("zenity") is null || Processes.FindOnPath("xdotool") is null)
        {
            Assert.Ignore("a desktop dialog test needs Xvfb, zenity and xdotool (Debian: xvfb, zenity, xdotool; .ci/run installs them)");
            return;
        }

        // Xvfb picks a free display itself and says which (-displayfd): lock files that stopped
        // servers left behind are its to judge, so a machine that ran many tests never runs out.
        _xvfb = Process.Start(new ProcessStartInfo(xvfb, ["-displayfd", "1", "-screen", "0", "800x500x24", "-nolisten", "tcp"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        _ = _xvfb.StandardError.ReadToEndAsync();
        using (var started = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            var number = await _xvfb.StandardOutput.ReadLineAsync(started.Token);
            Assert.That(number, Does.Match(@"^\d+$"), "Xvfb names its display");
            _display = $":{number}";
        }

        _ = _xvfb.StandardOutput.ReadToEndAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await XdotoolAsync("getdisplaygeometry")).ExitCode != 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "Xvfb did not start");
            await Task.Delay(100);
        }

        _aws = new FakeAwsServer();
        _tool = new ToolProcess();
        _tool.Environment["DISPLAY"] = _display;
    }

    [TearDown]
    public void StopTheDisplay()
    {
        _aws?.Dispose();
        _tool?.Dispose();
        if (_xvfb is { HasExited: false })
        {
            // SIGTERM first: Xvfb removes its lock file and socket then (SIGKILL would leave them).
            using (var term = Process.Start("kill", ["-TERM", _xvfb.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            if (!_xvfb.WaitForExit(5_000))
            {
                _xvfb.Kill(entireProcessTree: true);
                _xvfb.WaitForExit(10_000);
            }
        }

        _xvfb?.Dispose();
    }

    private Task<CliResult> XdotoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Processes.FindOnPath("xdotool")!, args)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["DISPLAY"] = _display;
        return Processes.RunAsync(start, null, TimeSpan.FromSeconds(20), "xdotool " + string.Join(' ', args));
    }

    /// <summary>The awsmfa dialog's window, once it is on the display; null if none comes within <paramref name="wait"/>.</summary>
    private async Task<string?> DialogWindowAsync(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            var found = await XdotoolAsync("search", "--onlyvisible", "--name", "^awsmfa$");
            if (found.ExitCode == 0 && found.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } window)
            {
                return window;
            }

            await Task.Delay(100);
        }

        return null;
    }

    /// <summary>Whether <paramref name="window"/> is off the display within <paramref name="grace"/>.</summary>
    private async Task<bool> WindowGoneAsync(string window, TimeSpan grace)
    {
        var deadline = DateTime.UtcNow + grace;
        do
        {
            var found = await XdotoolAsync("search", "--onlyvisible", "--name", "^awsmfa$");
            if (!found.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Contains(window))
            {
                return true;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }

    private Task<CliResult> SessionGetAsync() =>
        _tool.RunAsync(null, TimeSpan.FromSeconds(90), "session", "get", "--profile", "base", "--endpoint-url", _aws.Url, "-o", "json");

    [Test]
    public async Task With_no_terminal_the_dialog_asks_and_the_typed_code_mints_one_session()
    {
        var run = SessionGetAsync();
        var window = await DialogWindowAsync(TimeSpan.FromSeconds(30));
        Assert.That(window, Is.Not.Null, "no dialog appeared");
        await XdotoolAsync("windowfocus", "--sync", window!);
        await XdotoolAsync("type", "--delay", "20", "123456");
        await XdotoolAsync("key", "Return");

        var result = await run;

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_aws.Calls.Select(c => (c.Action, c.TokenCode)), Is.EqualTo(new[] { ("GetSessionToken", (string?)"123456") }));
    }

    [Test]
    public async Task Escape_cancels_at_once_with_no_sts_call()
    {
        var run = SessionGetAsync();
        var window = await DialogWindowAsync(TimeSpan.FromSeconds(30));
        Assert.That(window, Is.Not.Null, "no dialog appeared");
        await XdotoolAsync("windowfocus", "--sync", window!);
        var pressed = Stopwatch.StartNew();
        await XdotoolAsync("key", "Escape");

        var result = await run;
        pressed.Stop();

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: the MFA code dialog was cancelled; nothing was sent to AWS\n"));
        Assert.That(pressed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "ended within a second of Escape");
        Assert.That(_aws.Calls, Is.Empty);
    }

    [Test]
    public async Task A_display_that_is_not_there_is_named_with_zenitys_own_words_not_called_a_cancel()
    {
        // A DISPLAY left over from a closed session: zenity exits 1 as for a cancel, and says why.
        var dead = Enumerable.Range(200, 50).First(n => !File.Exists($"/tmp/.X{n}-lock") && !File.Exists($"/tmp/.X11-unix/X{n}"));
        _tool.Environment["DISPLAY"] = $":{dead}";

        var result = await SessionGetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: the MFA code dialog (zenity) could not be shown: "));
        Assert.That(result.Stderr, Does.Contain($"cannot open display: :{dead}"), "zenity's own line");
        Assert.That(result.Stderr, Does.Not.Contain("cancelled"));
        Assert.That(_aws.Calls, Is.Empty);
    }

    [Test]
    public async Task An_unanswered_dialog_is_closed_after_the_timeout()
    {
        _tool.Environment["AWSMFA_MFA_PROCESS_TIMEOUT"] = "3s";

        var run = SessionGetAsync();
        var window = await DialogWindowAsync(TimeSpan.FromSeconds(30));
        Assert.That(window, Is.Not.Null, "no dialog appeared");
        var result = await run;

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no answer in the MFA code dialog within 3 s"));
        // The X server drops a dead client's windows a moment after its socket closes: a dialog left
        // running would stay for good, so a short grace tells the two apart.
        Assert.That(await WindowGoneAsync(window!, TimeSpan.FromSeconds(2)), Is.True, "the dialog was closed with the command");
        Assert.That(_aws.Calls, Is.Empty);
    }

    [Test]
    public async Task Terminal_mode_shows_no_dialog()
    {
        _tool.Environment["AWSMFA_PROMPT"] = "terminal";

        var result = await SessionGetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("there is no terminal to ask"));
        Assert.That(await DialogWindowAsync(TimeSpan.FromMilliseconds(500)), Is.Null);
    }
}
