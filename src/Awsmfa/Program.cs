using System.Runtime.InteropServices;
using System.Text;
using Awsmfa;
using Awsmfa.Aws;
using Awsmfa.Cli;
using Awsmfa.Credentials;
using Awsmfa.Platform;

// The composition root: real implementations of every seam, then the command line.
ProcessHardening.DisableCoreDumps();
using var terminal = new ControllingTerminal();
var environment = new SystemEnvironment();
var signals = new SignalRouter();
var services = new AppServices(
    environment,
    new SharedConfigProfileStore(),
    terminal,
    new StandardInput(),
    TimeProvider.System,
    new AwsClientFactory())
{
    Processes = new ChildProcessRunner(signals),
};

using var interruption = new CancellationTokenSource();
var signalExitCode = 0;
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
        return;
    }

    interruption.Cancel();
    // Whatever is still running after a grace period (a blocked read, a slow socket) must not
    // keep the user waiting: nothing half-written survives, since files are renamed into place.
    _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ => Environment.Exit(exitCode), TaskScheduler.Default);
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, ExitCodes.Interrupted));
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, ExitCodes.Terminated));

// stdout is buffered (a flush per line costs a system call per line of a long listing);
// commands flush where streaming matters, and everything is flushed at exit. Both streams are
// the file descriptors themselves (see FileDescriptorStream).
var stdout = new StreamWriter(FileDescriptorStream.Open(1), new UTF8Encoding(false), 16 * 1024) { AutoFlush = false };
var stderr = new StreamWriter(FileDescriptorStream.Open(2), new UTF8Encoding(false), 1024) { AutoFlush = true };
int exit;
try
{
    exit = await new AwsmfaCli(services).InvokeAsync(args, stdout, stderr, interruption.Token);
}
finally
{
    try
    {
        stdout.Flush();
    }
    catch (IOException)
    {
        // Nothing more can be said to a stdout that failed.
    }
}

return signalExitCode != 0 ? signalExitCode : exit;
