using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

[TestFixture]
[Category("Unit")]
public sealed class CommandLineTests
{
    [Test]
    public async Task Version_prints_the_version()
    {
        using var host = new TestHost();

        var result = await host.RunAsync("--version");

        Assert.That(result.ExitCode, Is.Zero);
        // The tag's version or a pre-release after it (MinVer), and the commit the build is of.
        Assert.That(result.Stdout, Does.Match(@"^awsmfa \d+\.\d+\.\d+(-[0-9A-Za-z.]+)? \(commit [0-9a-f]{12}\)\n$"));
    }

    [TestCase("--help", "session", "eval \"$(awsmfa session get)\"")]
    [TestCase("session get --help", "--token-code", "--token-code - -o dotenv")]
    [TestCase("session list --help", "--output", "awsmfa session list -o json")]
    [TestCase("session clear --help", "--profile", "awsmfa session clear --profile work")]
    public async Task Help_describes_options_and_shows_examples(string args, string option, string example)
    {
        using var host = new TestHost();

        var result = await host.RunAsync(args.Split(' '));

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stdout, Does.Contain(option).And.Contain("Examples:").And.Contain(example));
    }
}
