using System.Diagnostics;
using System.Text;
using Awsmfa.Credentials;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>Ctrl-C and SIGTERM while waiting for STS, for the lock, or at the prompt.</summary>
[TestFixture]
[Category("Process")]
// Serial: each test requires an exit within 3 s of a signal; other fixtures' load would make that a guess.
[NonParallelizable]
[Platform(Exclude = "Win", Reason = "POSIX: POSIX signals")]
public sealed class SignalTests : FakeAwsToolTest
{
    [SetUp]
    public void KeepTheToolsOwnPid() => Tool.DetachFromTerminal = false;

    private sealed class Running(Process process, StringBuilder stderr) : IDisposable
    {
        public Process Process { get; } = process;

        public string Stderr
        {
            get
            {
                lock (stderr)
                {
                    return stderr.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }
    }

    private Running Start(params string[] args)
    {
        var start = Tool.StartInfo(["session", "get", "--profile", "base", "--endpoint-url", Aws.Url, .. args]);
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        return new Running(process, stderr);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    private static async Task<(int ExitCode, TimeSpan After)> ExitAsync(Process process)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail(Processes.DescribeStuck(process.Id));
        }

        return (process.ExitCode, clock.Elapsed);
    }

    private async Task AssertNextRunIsNotBlockedAsync()
    {
        Assert.That(Directory.Exists(Tool.CacheFolder) ? Directory.GetFiles(Tool.CacheFolder, "*.tmp") : [], Is.Empty, "no partial file");
        Aws.Mode = ServerBehaviour.Answer;
        var clock = Stopwatch.StartNew();
        var next = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "999999");
        Assert.That(next.ExitCode, Is.Zero, next.ToString());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "no stale lock");
    }

    [TestCase("INT", 130)]
    [TestCase("TERM", 143)]
    public async Task A_signal_while_waiting_for_sts_exits_at_once_and_leaves_nothing_behind(string signal, int exitCode)
    {
        Aws.Mode = ServerBehaviour.Hang;
        using var run = Start("-t", "123456", "--request-timeout", "60s");
        await WaitUntilAsync(() => Aws.RequestsFor("GetSessionToken") > 0, "STS is called");

        Signal(run.Process.Id, signal);
        var (code, after) = await ExitAsync(run.Process);

        Assert.That(code, Is.EqualTo(exitCode), run.Stderr);
        Assert.That(after, Is.LessThan(TimeSpan.FromSeconds(3)));
        TestContext.Out.WriteLine($"measured: SIG{signal} while waiting for STS: exit {code} after {after.TotalMilliseconds:F0} ms");
        await AssertNextRunIsNotBlockedAsync();
    }

    [Test]
    public async Task Ctrl_c_while_waiting_for_the_lock_exits_130()
    {
        Directory.CreateDirectory(Tool.CacheFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = StepIdentity.ForSessionToken("base", ToolProcess.AccessKeyId, ToolProcess.Serial, Aws.Url).CacheKey;
        using (new FileStream(Path.Combine(Tool.CacheFolder, key + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            using var run = Start("-t", "123456");
            await WaitUntilAsync(() => run.Stderr.Contains("waiting for another awsmfa process", StringComparison.Ordinal), "it waits for the lock");

            Signal(run.Process.Id, "INT");
            var (code, after) = await ExitAsync(run.Process);

            Assert.That(code, Is.EqualTo(130), run.Stderr);
            Assert.That(after, Is.LessThan(TimeSpan.FromSeconds(3)));
            TestContext.Out.WriteLine($"measured: SIGINT while waiting for the lock: exit {code} after {after.TotalMilliseconds:F0} ms");
        }

        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero);
        await AssertNextRunIsNotBlockedAsync();
    }

    [Test]
    public async Task Ctrl_c_at_the_prompt_exits_130()
    {
        var start = Tool.OnTerminal($"{ToolProcess.ShellCommand} session get --profile base --endpoint-url {Aws.Url} > /dev/null 2>&1 < /dev/null");

        using var process = Process.Start(start)!;
        var terminal = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[256];
            int n;
            while ((n = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (terminal)
                {
                    terminal.Append(buffer, 0, n);
                }
            }
        });
        await WaitUntilAsync(() => { lock (terminal) { return terminal.ToString().Contains("MFA code for", StringComparison.Ordinal); } }, "the prompt shows");

        await process.StandardInput.WriteAsync('\u0003');
        await process.StandardInput.FlushAsync();
        var (code, after) = await ExitAsync(process);

        Assert.That(code, Is.EqualTo(130), terminal.ToString());
        TestContext.Out.WriteLine($"measured: Ctrl-C at the prompt: exit {code} after {after.TotalMilliseconds:F0} ms");
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero);
        await AssertNextRunIsNotBlockedAsync();
    }
}
