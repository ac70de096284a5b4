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
}
