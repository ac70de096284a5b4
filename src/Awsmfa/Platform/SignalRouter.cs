using System.Runtime.InteropServices;

namespace Awsmfa.Platform;

/// <summary>
/// Where SIGINT and SIGTERM go. Normally they cancel the command; from the moment <c>awsmfa
/// exec</c> starts to start its child until the child is gone, the child decides: signals are
/// passed on to it (those that arrive before it has a pid, once it has one), and awsmfa waits and
/// returns the child's own exit code. Ctrl-C at a terminal reaches the child by itself (same
/// process group), so only a SIGINT that did not come from the terminal is passed on.
/// </summary>
internal sealed partial class SignalRouter
{
    private const int SigInt = 2;
    private readonly Lock _gate = new();
    private readonly List<int> _pending = [];
    private bool _routing;
    private bool _terminalDeliversInterrupt;
    private int _child;

    /// <summary>From now on signals belong to the child that is about to start.</summary>
    public Route BeginChild()
    {
        var foreground = InTerminalForeground();
        lock (_gate)
        {
            _routing = true;
            _terminalDeliversInterrupt = foreground;
            _child = 0;
            _pending.Clear();
        }

        return new Route(this);
    }

    /// <summary>True when the signal was taken for the child (sent on, or kept until it starts).</summary>
    public bool TryRoute(int signal)
    {
        lock (_gate)
        {
            if (!_routing)
            {
                return false;
            }

            if (signal == SigInt && _terminalDeliversInterrupt)
            {
                return true;
            }

            if (_child > 0)
            {
                Send(_child, signal);
            }
            else
            {
                _pending.Add(signal);
            }

            return true;
        }
    }

    private void Attach(int processId)
    {
        lock (_gate)
        {
            _child = processId;
            foreach (var signal in _pending)
            {
                Send(processId, signal);
            }

            _pending.Clear();
        }
    }

    private void End()
    {
        lock (_gate)
        {
            _routing = false;
            _child = 0;
            _pending.Clear();
        }
    }

    private static void Send(int processId, int signal)
    {
        if (!OperatingSystem.IsWindows() && processId > 0)
        {
            _ = Kill(processId, signal);
        }
    }

    /// <summary>Whether a Ctrl-C typed at the terminal reaches awsmfa's process group, and so the child's.</summary>
    private static bool InTerminalForeground()
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        try
        {
            var fd = Open("/dev/tty", 0x800 | 0x80000); // O_RDONLY | O_NONBLOCK | O_CLOEXEC
            if (fd < 0)
            {
                return false;
            }

            try
            {
                return TerminalProcessGroup(fd) == ProcessGroup();
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetpgrp")]
    private static partial int TerminalProcessGroup(int fd);

    [LibraryImport("libc", EntryPoint = "getpgrp")]
    private static partial int ProcessGroup();

    internal readonly struct Route(SignalRouter router) : IDisposable
    {
        public void Attach(int processId) => router.Attach(processId);

        public void Dispose() => router.End();
    }
}
