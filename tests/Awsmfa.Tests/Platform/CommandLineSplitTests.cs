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
    // Where shlex is not sh: in double quotes only \" and \\ are escapes; only ASCII space, tab and
    // line breaks separate words; # starts no comment. Each expected value is what shlex.split gives.
    [TestCase("sh -c \"echo \\$HOME \\`id\\`\"", new[] { "sh", "-c", "echo \\$HOME \\`id\\`" })]
    [TestCase("tool \"back\\\\slash\" \"new\\nline\"", new[] { "tool", "back\\slash", "new\\nline" })]
    [TestCase("a\tb\nc\u00a0d #e", new[] { "a", "b", "c\u00a0d", "#e" })]
    public void Splits_like_shlex(string line, string[] words)
    {
        Assert.That(CommandLine.Split(line, windows: false), Is.EqualTo(words));
    }

    // The AWS CLI's split on Windows (CommandLineToArgvW's rules): paths keep their backslashes.
    [TestCase(@"C:\tools\keys.exe --profile ci", new[] { @"C:\tools\keys.exe", "--profile", "ci" })]
    [TestCase(@"""C:\Program Files\Vault\vault.exe"" read aws", new[] { @"C:\Program Files\Vault\vault.exe", "read", "aws" })]
    [TestCase(@"tool ""a \""quoted\"" word"" x", new[] { "tool", @"a ""quoted"" word", "x" })]
    [TestCase(@"tool \\server\share\ ""ends\\""", new[] { "tool", @"\\server\share\", @"ends\" })]
    [TestCase("bw get item 'aws prod'", new[] { "bw", "get", "item", "'aws", "prod'" })]
    public void Splits_like_the_aws_cli_on_windows(string line, string[] words)
    {
        Assert.That(CommandLine.Split(line, windows: true), Is.EqualTo(words));
    }

    [TestCase("op 'unterminated")]
    [TestCase("op \"unterminated")]
    [TestCase("op read\\")]
    public void An_unmatched_quote_or_a_last_backslash_is_a_usage_error(string line)
    {
        var error = Assert.Throws<AwsmfaException>(() => CommandLine.Split(line, windows: false));
        Assert.That(error!.ExitCode, Is.EqualTo(2));
    }
}
