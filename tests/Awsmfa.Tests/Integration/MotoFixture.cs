namespace Awsmfa.Tests.Integration;

/// <summary>One moto_server for every integration test in this namespace, reset before each test.</summary>
[SetUpFixture]
public sealed class MotoFixture
{
    private static MotoServer? _server;

    internal static MotoServer Server => _server ?? throw new InvalidOperationException("moto_server was not started");

    [OneTimeSetUp]
    public void Start() => _server = MotoServer.StartOrIgnore();

    [OneTimeTearDown]
    public void Stop() => _server?.Dispose();
}
