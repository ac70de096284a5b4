using System.Diagnostics;
using Awsmfa.Platform;

namespace Awsmfa.Tests.Platform;

[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: POSIX signals")]
public sealed class SignalRouterTests
{
    private const int SigTerm = 15;

    [Test]
    public void Signals_are_awsmfas_own_when_no_child_is_starting()
    {
        var router = new SignalRouter();

        Assert.That(router.TryRoute(SigTerm), Is.False);
    }

    [Test]
    public async Task A_signal_that_arrives_before_the_child_has_a_pid_reaches_it_once_it_has_one()
    {
        var router = new SignalRouter();
        using var route = router.BeginChild();

        // Between "starting the child" and "the child has a pid": taken, so awsmfa does not exit.
        Assert.That(router.TryRoute(SigTerm), Is.True);

        // The child says when its trap is set (a ready handshake, not a sleep that hopes it is).
        using var child = Process.Start(new ProcessStartInfo("sh", ["-c", "trap 'exit 9' TERM; echo ready; while true; do sleep 0.05; done"]) { RedirectStandardOutput = true })!;
        Assert.That(await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo("ready"));
        route.Attach(child.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await child.WaitForExitAsync(timeout.Token);

        Assert.That(child.ExitCode, Is.EqualTo(9), "the child got the early SIGTERM");
    }

    [Test]
    public void Once_the_child_is_gone_signals_are_awsmfas_again()
    {
        var router = new SignalRouter();
        using (router.BeginChild())
        {
        }

        Assert.That(router.TryRoute(SigTerm), Is.False);
    }
}
