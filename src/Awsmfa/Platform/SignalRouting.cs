namespace Awsmfa.Platform;

/// <summary>
/// Where SIGINT and SIGTERM go. Normally they cancel the command; while <c>awsmfa exec</c> runs a
/// child, the child decides: Ctrl-C at a terminal already reaches it (same process group), and
/// SIGTERM is passed on to it, so awsmfa waits and returns the child's own exit code.
/// </summary>
internal static class SignalRouting
{
    private static int _childProcessId;

    public static int ChildProcessId => Volatile.Read(ref _childProcessId);

    public static IDisposable RouteToChild(int processId)
    {
        Volatile.Write(ref _childProcessId, processId);
        return new Route();
    }

    private sealed class Route : IDisposable
    {
        public void Dispose() => Volatile.Write(ref _childProcessId, 0);
    }
}
