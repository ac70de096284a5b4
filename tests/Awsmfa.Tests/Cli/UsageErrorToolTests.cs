using Awsmfa.Tests.Integration;

namespace Awsmfa.Tests.Cli;

/// <summary>The usage errors of <see cref="UsageErrorTests"/>, as users meet them: through the built tool.</summary>
[TestFixture]
[Category("Process")]
public sealed class UsageErrorToolTests
{
    private ToolProcess _tool = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _tool = new ToolProcess();
        // Nothing may reach the network: a call would meet an endpoint nobody listens on, another error.
        _tool.Environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";
    }

    [OneTimeTearDown]
    public void TearDown() => _tool.Dispose();

    [TestCaseSource(typeof(UsageErrorTests), nameof(UsageErrorTests.Cases))]
    public async Task A_usage_error_is_one_line_in_awsmfa_s_words_and_exit_2(string[] args, string expected)
    {
        var result = await _tool.RunAsync(null, args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo(expected));
        Assert.That(result.Stdout, Is.Empty);
    }

    [Test]
    public async Task Plain_awsmfa_shows_the_help_on_stdout()
    {
        var result = await _tool.RunAsync(null);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("Usage:").And.Contain("Commands:").And.Contain("Examples:"));
        Assert.That(result.Stderr, Is.Empty);
    }
}
