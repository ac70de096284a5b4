namespace Awsmfa.Platform;

/// <summary>
/// Work that must finish after Ctrl-C, because stopping it half-way would leave something behind
/// in the user's account (an MFA device made for a setup that did not end). The exit that follows
/// a signal waits while it is held, up to <see cref="Longest"/>; a second signal does not wait.
/// </summary>
internal sealed class ExitGuard
{
    /// <summary>How long an interrupted command may still take to clean up: a few AWS calls with their retries.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private int _held;
    private TaskCompletionSource _released = Released();

    public bool IsHeld
    {
        get
        {
            lock (_gate)
            {
                return _held > 0;
            }
        }
    }

    /// <summary>Holds the exit until the returned object is disposed.</summary>
    public IDisposable Hold()
    {
        lock (_gate)
        {
            if (_held++ == 0)
            {
                _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return new Holding(this);
    }

    /// <summary>Completes when nothing holds the exit (at once when nothing does).</summary>
    public Task WhenReleasedAsync()
    {
        lock (_gate)
        {
            return _released.Task;
        }
    }

    /// <summary>Waits until nothing holds the exit, a hold taken meanwhile included, for at most <paramref name="longest"/>.</summary>
    public async Task WaitUntilFreeAsync(TimeSpan longest)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (IsHeld && waited.Elapsed < longest)
        {
            try
            {
                await WhenReleasedAsync().WaitAsync(longest - waited.Elapsed).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            if (--_held == 0)
            {
                _released.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Released()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private sealed class Holding(ExitGuard guard) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                guard.Release();
            }
        }
    }
}
