namespace Awsmfa.Tests.Support;

/// <summary>
/// Base of the in-process EC2 fixtures: a <see cref="TestHost"/> with the <c>base</c> profile in
/// us-east-1 and a <see cref="FakeFleet"/> behind its EC2 client. A fixture's own [SetUp] runs
/// after this one and adds its instances.
/// </summary>
public abstract class FleetHostTest
{
    private protected TestHost Host { get; private set; } = null!;

    private protected FakeFleet Fleet { get; private set; } = null!;

    [SetUp]
    public void CreateTheHostAndItsFleet()
    {
        Host = new TestHost().WithBaseProfile();
        Host.WriteConfig("[profile base]\nregion = us-east-1\n");
        Fleet = new FakeFleet(Host.Aws.Ec2);
    }

    [TearDown]
    public void DisposeTheHost() => Host.Dispose();
}
