namespace Awsmfa.Tests.Integration;

/// <summary>
/// Base of the tests that run the built tool against the shared moto_server: each test gets the
/// server reset and a home folder of its own.
/// </summary>
public abstract class MotoToolTest
{
    private protected MotoServer Moto { get; private set; } = null!;

    private protected ToolProcess Tool { get; private set; } = null!;

    [SetUp]
    public void ResetMotoAndMakeAHome()
    {
        Moto = MotoFixture.Server;
        Moto.Reset();
        Tool = new ToolProcess();
    }

    [TearDown]
    public void RemoveTheHome() => Tool.Dispose();
}
