using Awsmfa.Platform;

namespace Awsmfa.Tests.Platform;

/// <summary>credential_process lines split into words as the AWS CLI splits them (shlex on POSIX).</summary>
[TestFixture]
[Category("Unit")]
public sealed class CommandLineSplitTests
{
    [TestCase("op read op://vault/aws", new[] { "op", "read", "op://vault/aws" })]
    [TestCase("  pass   show aws/prod  ", new[] { "pass", "show", "aws/prod" })]
    [TestCase("bw get item 'aws prod'", new[] { "bw", "get", "item", "aws prod" })]
    [TestCase("tool \"a \\\"quoted\\\" word\" x", new[] { "tool", "a \"quoted\" word", "x" })]
    [TestCase("/opt/my\\ tools/vault --json", new[] { "/opt/my tools/vault", "--json" })]
    [TestCase("echo $HOME `id` ;", new[] { "echo", "$HOME", "`id`", ";" })]
    [TestCase("a''b \"\"", new[] { "ab", "" })]
    public void Splits_like_shlex(string line, string[] words)
    {
        Assert.That(CommandLine.Split(line), Is.EqualTo(words));
    }

    [TestCase("op 'unterminated")]
    [TestCase("op \"unterminated")]
    public void An_unmatched_quote_is_a_usage_error(string line)
    {
        var error = Assert.Throws<AwsmfaException>(() => CommandLine.Split(line));
        Assert.That(error!.ExitCode, Is.EqualTo(2));
    }
}
