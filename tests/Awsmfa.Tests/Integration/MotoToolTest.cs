namespace Awsmfa.Tests.Integration;

/// <summary>
/// Base of the tests that run the built tool against a moto_server: each fixture starts one of
/// its own on a free port (so fixtures run side by side), each test gets it reset and a home
/// folder of its own. Tests within a fixture run one after another: they share its server.
/// </summary>
public abstract class MotoToolTest
{
    private MotoServer? _moto;

    private protected MotoServer Moto => _moto ?? throw new InvalidOperationException("moto_server was not started");

    private protected ToolProcess Tool { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartMoto() => _moto = MotoServer.StartOrIgnore();

    [OneTimeTearDown]
    public void StopMoto() => _moto?.Dispose();

    [SetUp]
    public void ResetMotoAndMakeAHome()
    {
        Moto.Reset();
        Tool = new ToolProcess();
    }

    [TearDown]
    public void RemoveTheHome() => Tool.Dispose();
}
