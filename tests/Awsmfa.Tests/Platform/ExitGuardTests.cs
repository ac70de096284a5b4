using Awsmfa.Platform;

namespace Awsmfa.Tests.Platform;

[TestFixture]
[Category("Unit")]
public sealed class ExitGuardTests
{
    [Test]
    public async Task The_exit_waits_until_every_hold_is_released_and_a_hold_released_twice_counts_once()
    {
        var guard = new ExitGuard();
        Assert.That(guard.WhenReleasedAsync().IsCompleted, Is.True, "nothing held: no wait");

        var first = guard.Hold();
        var second = guard.Hold();
        var released = guard.WhenReleasedAsync();
        first.Dispose();
        first.Dispose();

        Assert.That(guard.IsHeld, Is.True);
        Assert.That(released.IsCompleted, Is.False);
        second.Dispose();
        await released.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(guard.IsHeld, Is.False);

        using (guard.Hold())
        {
            Assert.That(guard.WhenReleasedAsync().IsCompleted, Is.False, "held again: a new wait");
        }

        Assert.That(guard.WhenReleasedAsync().IsCompleted, Is.True);
    }

    [Test]
    public async Task Waiting_until_free_waits_for_every_hold()
    {
        var guard = new ExitGuard();
        var first = guard.Hold();
        var waiting = guard.WaitUntilFreeAsync(TimeSpan.FromSeconds(10));

        // A second hold taken before the first is let go.
        var second = guard.Hold();
        first.Dispose();
        await Task.Delay(100);

        Assert.That(waiting.IsCompleted, Is.False, "the second hold is waited for");
        second.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task Waiting_until_free_gives_up_after_the_longest_wait()
    {
        var guard = new ExitGuard();
        using var held = guard.Hold();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await guard.WaitUntilFreeAsync(TimeSpan.FromMilliseconds(200));

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)).And.LessThan(TimeSpan.FromSeconds(5)));
    }
}
