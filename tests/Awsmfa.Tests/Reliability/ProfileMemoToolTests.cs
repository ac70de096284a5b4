using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// The installed tool keeps what the SDK made of the config files beside its cached sessions, and
/// a cached answer after an edit of any file the SDK may read says what the SDK would say now.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed class ProfileMemoToolTests : FakeAwsToolTest
{
    private string Record => Path.Combine(Tool.CacheFolder, "profiles.state");

    private Task<CliResult> GetAsync() =>
        Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "env");

    /// <summary>Files written this second may be half written: the record waits until they settle.</summary>
    private static Task Settle() => Task.Delay(TimeSpan.FromSeconds(1.2));

    private static string? Region(CliResult result) =>
        result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("export AWS_REGION=", StringComparison.Ordinal));

    [Test]
    public async Task Cached_answers_follow_an_edited_config_file()
    {
        await Settle();
        var first = await GetAsync();
        Assert.That(File.Exists(Record), Is.True, "the record is written");
        var cached = await GetAsync();
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), "[profile base]\nregion = eu-central-1\n");
        var edited = await GetAsync();

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(cached.Stdout, Is.EqualTo(first.Stdout), "the record gives what the SDK gave");
        Assert.That(Region(first), Is.EqualTo("export AWS_REGION='us-east-1'"));
        Assert.That(edited.ExitCode, Is.Zero, edited.ToString());
        Assert.That(Region(edited), Is.EqualTo("export AWS_REGION='eu-central-1'"));
        Assert.That(Aws.Calls, Has.Count.EqualTo(1), "one session, from the cache after that");
    }

    /// <summary>
    /// Files the SDK falls back to, or reads beside the credentials file, count as much as the
    /// ones the variables name: one that appears after the record was made is not overlooked.
    /// </summary>
    [TestCase("config beside a named credentials file")]
    [TestCase("a named config file that was missing")]
    public async Task A_file_the_sdk_falls_back_to_is_watched_too(string layout)
    {
        var elsewhere = Path.Combine(Tool.Home, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        File.Delete(Path.Combine(Tool.AwsFolder, "config"));
        string appears;
        if (layout.StartsWith("config beside", StringComparison.Ordinal))
        {
            File.Move(Path.Combine(Tool.AwsFolder, "credentials"), Path.Combine(elsewhere, "credentials"));
            Tool.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(elsewhere, "credentials");
            Tool.Environment.Remove("AWS_CONFIG_FILE");
            appears = Path.Combine(elsewhere, "config");
        }
        else
        {
            Tool.Environment["AWS_CONFIG_FILE"] = appears = Path.Combine(elsewhere, "config");
        }

        await Settle();
        var before = await GetAsync();
        if (layout.StartsWith("config beside", StringComparison.Ordinal))
        {
            Assert.That(before.ExitCode, Is.Zero, before.ToString());
            Assert.That(File.Exists(Record), Is.True, "the record is written");
        }
        else
        {
            // A named file that is missing is refused (never a fallback to ~/.aws), and no record
            // is made that could outlive its arrival.
            Assert.That(before.ExitCode, Is.EqualTo(2), before.ToString());
            Assert.That(before.Stderr, Does.Contain("AWS_CONFIG_FILE names"));
        }

        File.WriteAllText(appears, "[profile base]\nregion = eu-central-1\n");

        var withRecord = await GetAsync();
        File.Delete(Record);
        var bySdk = await GetAsync();

        Assert.That(bySdk.ExitCode, Is.Zero, bySdk.ToString());
        Assert.That(Region(withRecord), Is.EqualTo(Region(bySdk)), $"the SDK reads {appears} now");
    }

    [Test]
    public async Task Settings_the_sdk_does_not_model_come_from_the_config_file_it_reads()
    {
        // With only AWS_SHARED_CREDENTIALS_FILE set, the SDK reads the config file beside it, not
        // ~/.aws/config: duration_seconds, mfa_process and mfa_prompt are read from there too.
        var elsewhere = Path.Combine(Tool.Home, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        File.Move(Path.Combine(Tool.AwsFolder, "credentials"), Path.Combine(elsewhere, "credentials"));
        File.WriteAllText(Path.Combine(elsewhere, "config"), "[profile base]\nregion = us-east-1\nduration_seconds = 900\n");
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), "[profile base]\nregion = us-east-1\nduration_seconds = 7200\n");
        Tool.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(elsewhere, "credentials");
        Tool.Environment.Remove("AWS_CONFIG_FILE");

        var result = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var expiration = System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement.GetProperty("Expiration").GetDateTimeOffset();
        Assert.That(expiration - DateTimeOffset.UtcNow, Is.LessThan(TimeSpan.FromMinutes(16)).And.GreaterThan(TimeSpan.FromMinutes(10)), "900 s, from the config beside the credentials");
    }

    [Test]
    public async Task Session_clear_removes_the_record_with_the_sessions_and_one_profiles_clear_leaves_it()
    {
        await Settle();
        Assert.That((await GetAsync()).ExitCode, Is.Zero);

        await Tool.RunAsync(null, "session", "clear", "--profile", "base");
        var kept = File.Exists(Record);
        await Tool.RunAsync(null, "session", "clear");

        Assert.That(kept, Is.True, "one profile's clear is about its sessions");
        Assert.That(File.Exists(Record), Is.False);
        Assert.That(Directory.GetFiles(Tool.CacheFolder, "spent-*.state"), Is.Not.Empty, "the memory of spent codes stays");
    }

    [Test]
    public async Task A_typo_in_the_region_is_refused_on_a_cached_answer_too()
    {
        await Settle();
        Assert.That((await GetAsync()).ExitCode, Is.Zero);
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), "[profile base]\nregion = us-est-1\n");
        await Settle();

        var first = await GetAsync();
        var again = await GetAsync();

        Assert.That(first.ExitCode, Is.EqualTo(2), first.ToString());
        Assert.That(first.Stderr, Does.Contain("unknown region 'us-est-1' (did you mean us-east-1?)"));
        Assert.That(again.ExitCode, Is.EqualTo(2), "the record does not vouch for a region the SDK does not know");
        Assert.That(again.Stderr, Is.EqualTo(first.Stderr));
    }
}
