using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>Config files and names that would hang, flood or fool awsmfa: each is one clean line, exit 2, at once.</summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: /dev/zero and FIFOs")]
public sealed class HostileConfigTests : FakeAwsToolTest
{
    private async Task<CliResult> QuicklyAsync(params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), args);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "no hang, no minutes of work: " + result);
        return result;
    }

    [Test]
    public async Task A_config_file_that_is_a_device_is_refused_at_once()
    {
        Tool.Environment["AWS_CONFIG_FILE"] = "/dev/zero";

        var result = await QuicklyAsync("session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: AWS_CONFIG_FILE (/dev/zero) is not a regular file; point it at your AWS config or credentials file\n"));
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero);
    }

    [Test]
    public async Task A_config_file_that_is_a_fifo_is_refused_without_waiting_for_a_writer()
    {
        var fifo = Path.Combine(Tool.Home, "fifo");
        var mkfifo = await Tool.RunProgramAsync("mkfifo", fifo);
        Assert.That(mkfifo.ExitCode, Is.Zero, mkfifo.ToString());
        Tool.Environment["AWS_SHARED_CREDENTIALS_FILE"] = fifo;

        var result = await QuicklyAsync("session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: AWS_SHARED_CREDENTIALS_FILE (").And.Contain("is not a regular file"));
    }

    [Test]
    public async Task A_source_profile_chain_thousands_deep_is_refused_in_milliseconds()
    {
        var config = new System.Text.StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            config.Append(System.Globalization.CultureInfo.InvariantCulture, $"[profile r{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = r{i + 1}\n");
        }

        config.Append("[profile r3000]\nrole_arn = arn:aws:iam::123456789012:role/last\nsource_profile = base\n");
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), config.ToString());

        var result = await QuicklyAsync("session", "get", "--profile", "r0", "--endpoint-url", Aws.Url, "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: profile 'r0' leads through more than 16 source_profile hops (r0 -> r1 -> r2 -> r3 -> ...); awsmfa follows at most 16\n"));
        Assert.That(Aws.RequestsFor("GetSessionToken") + Aws.RequestsFor("AssumeRole"), Is.Zero);
    }

    [Test]
    public async Task Escape_sequences_in_config_names_reach_the_terminal_cleaned()
    {
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), "[profile evil]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = \u001b]0;pwned\u0007\u001b[2J\u202Emissing\n");

        var result = await QuicklyAsync("session", "get", "--profile", "evil", "--endpoint-url", Aws.Url, "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("names source_profile '"));
        // Ordinal: NUnit's culture-aware Contains finds ignorable characters everywhere.
        Assert.That(result.Stderr.IndexOfAny(['\u001b', '\u0007', '\u202E']), Is.EqualTo(-1), result.Stderr);
        Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain("\n"), "one line");
    }

    [Test]
    public async Task A_profile_name_with_escape_sequences_is_cleaned_in_session_list_and_profile_list()
    {
        const string Name = "ev\u001b[2Jil\u202Ex\u200B";
        // --profile takes plain names only; a source_profile may name any section, and the MFA
        // session's cache entry is recorded under it.
        File.WriteAllText(
            Path.Combine(Tool.AwsFolder, "config"),
            $"[profile {Name}]\naws_access_key_id = {ToolProcess.AccessKeyId}\naws_secret_access_key = {ToolProcess.SecretAccessKey}\nmfa_serial = {ToolProcess.Serial}\nregion = us-east-1\n\n"
            + $"[profile ok]\nrole_arn = arn:aws:iam::210987654321:role/admin\nsource_profile = {Name}\n");
        var seeded = await QuicklyAsync("session", "get", "--profile", "ok", "--endpoint-url", Aws.Url, "-t", "123456");
        Assert.That(seeded.ExitCode, Is.Zero, seeded.ToString());

        foreach (var args in new[] { new[] { "session", "list" }, ["profile", "list"] })
        {
            var result = await QuicklyAsync(args);

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Stdout, Does.Contain("ev il x ").And.Not.Contain("[2J"), string.Join(' ', args) + " shows the profile, cleaned");
            Assert.That((result.Stdout + result.Stderr).IndexOfAny(['\u001b', '\u202E', '\u200B']), Is.EqualTo(-1), string.Join(' ', args) + ": " + result);
        }
    }
}
