using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Awsmfa;
using Awsmfa.Aws;
using Awsmfa.Cli;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

// The composition root: real implementations of every seam, then the command line.
ProcessHardening.DisableCoreDumps();
using var terminal = new ControllingTerminal();
var environment = new SystemEnvironment();
var signals = new SignalRouter();
var exitGuard = new ExitGuard();
// What the SDK made of ~/.aws/config and credentials, kept beside the cached sessions (no secret).
var profileMemo = new ProfileMemo(new SessionCache(SessionCache.DefaultDirectory(environment), new Reporter(TextWriter.Null, verbose: false), TimeProvider.System), environment.Get, TimeProvider.System);
var services = new AppServices(
    environment,
    new SharedConfigProfileStore(memo: profileMemo),
    terminal,
    new StandardInput(),
    TimeProvider.System,
    new AwsClientFactory())
{
    Processes = new ChildProcessRunner(signals),
    ExitGuard = exitGuard,
};

using var interruption = new CancellationTokenSource();
var signalExitCode = 0;
var firstSignalAt = 0L;
void OnSignal(PosixSignalContext context, int exitCode)
{
    context.Cancel = true;
    if (signals.TryRoute(exitCode - 128))
    {
        // awsmfa exec: the child's exit code will be awsmfa's.
        return;
    }

    if (Interlocked.CompareExchange(ref signalExitCode, exitCode, 0) != 0)
    {
        // A second signal, not a key held or pressed twice by accident (a second later at the
        // earliest): the person chose not to wait for the clean-up (it said what it leaves).
        if (exitGuard.IsHeld && Stopwatch.GetElapsedTime(Interlocked.Read(ref firstSignalAt)) > TimeSpan.FromSeconds(1))
        {
            Environment.Exit(signalExitCode);
        }

        return;
    }

    Interlocked.Exchange(ref firstSignalAt, Stopwatch.GetTimestamp());
    interruption.Cancel();
    // Whatever is still running after a grace period (a blocked read, a slow socket) must not
    // keep the user waiting: nothing half-written survives, since files are renamed into place.
    // Only a clean-up that would otherwise leave something in the account is waited for.
    _ = Task.Run(async () =>
    {
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await exitGuard.WaitUntilFreeAsync(ExitGuard.Longest).ConfigureAwait(false);
        Environment.Exit(exitCode);
    });
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, ExitCodes.Interrupted));
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, ExitCodes.Terminated));
// A closed terminal (SIGHUP) or Ctrl-\ (SIGQUIT) must not orphan exec's command either.
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => OnSignal(c, 128 + 1));
using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => OnSignal(c, 128 + 3));

// stdout is buffered (a flush per line costs a system call per line of a long listing);
// commands flush where streaming matters, and everything is flushed at exit. Both streams are
// the file descriptors themselves (see FileDescriptorStream).
// Lines end in \n on every platform, Windows too: what eval, credential_process callers and
// PowerShell all read, and the same bytes everywhere.
var stdout = new StreamWriter(FileDescriptorStream.Open(1), new UTF8Encoding(false), 16 * 1024) { AutoFlush = false, NewLine = "\n" };
var stderr = new StreamWriter(FileDescriptorStream.Open(2), new UTF8Encoding(false), 1024) { AutoFlush = true, NewLine = "\n" };
int exit;
exit = await new AwsmfaCli(services).InvokeAsync(args, stdout, stderr, interruption.Token);
try
{
    stdout.Flush();
}
catch (IOException e) when (StandardOutput.Failed(e) is { } failed)
{
    // A script or credential_process caller must not take exit 0 for credentials it never got.
    if (failed != ExitCodes.OutputClosed)
    {
        TryWriteError($"awsmfa: could not write the output: {Printable.OneLine(e.Message)}");
    }

    exit = exit == ExitCodes.Success ? failed : exit;
}

return signalExitCode != 0 ? signalExitCode : exit;

void TryWriteError(string line)
{
    try
    {
        stderr.WriteLine(line);
    }
    catch (IOException)
    {
        // stderr is gone too: the exit code says it.
    }
}
