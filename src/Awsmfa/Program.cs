using System.Runtime.InteropServices;
using Awsmfa;
using Awsmfa.Aws;
using Awsmfa.Cli;
using Awsmfa.Credentials;
using Awsmfa.Platform;

// The composition root: real implementations of every seam, then the command line.
using var terminal = new ControllingTerminal();
var environment = new SystemEnvironment();
var services = new AppServices(
    environment,
    new SharedConfigProfileStore(environment),
    terminal,
    () => Console.In,
    TimeProvider.System,
    new AwsClientFactory());

using var interruption = new CancellationTokenSource();
var signalExitCode = 0;
void OnSignal(PosixSignalContext context, int exitCode)
{
    context.Cancel = true;
    if (SignalRouting.ChildProcessId is var child and > 0)
    {
        // awsmfa exec: Ctrl-C has reached the child through the terminal already; anything
        // else is passed on. The child's exit code will be awsmfa's.
        if (context.Signal != PosixSignal.SIGINT)
        {
            ChildProcessRunner.Signal(child, exitCode - 128);
        }

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

// stdout is buffered (Console.Out flushes on every write, which costs a system call per line of
// a long listing); commands flush where streaming matters, and everything is flushed at exit.
var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 16 * 1024) { AutoFlush = false };
int exit;
try
{
    exit = await new AwsmfaCli(services).InvokeAsync(args, stdout, Console.Error, interruption.Token);
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
