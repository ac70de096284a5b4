using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>Base of the tests that run the built tool against a <see cref="FakeAwsServer"/> of their own.</summary>
public abstract class FakeAwsToolTest
{
    private protected FakeAwsServer Aws { get; private set; } = null!;

    private protected ToolProcess Tool { get; private set; } = null!;

    [SetUp]
    public void StartTheServerAndMakeAHome()
    {
        Aws = new FakeAwsServer();
        Tool = new ToolProcess();
    }

    [TearDown]
    public void StopTheServerAndRemoveTheHome()
    {
        Aws.Dispose();
        Tool.Dispose();
    }
}
