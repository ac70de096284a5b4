using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// The installed tool keeps what the SDK made of the config files beside its cached sessions, and
/// a cached answer after an edit of either file says what the file says now.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed class ProfileMemoToolTests : FakeAwsToolTest
{
    private Task<CliResult> GetAsync() =>
        Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "env");

    [Test]
    public async Task Cached_answers_follow_an_edited_config_file()
    {
        var first = await GetAsync();
        var cached = await GetAsync();
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), "[profile base]\nregion = eu-central-1\n");
        var edited = await GetAsync();

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(File.Exists(Path.Combine(Tool.CacheFolder, "profiles.state")), Is.True, "the record is written");
        Assert.That(cached.Stdout, Is.EqualTo(first.Stdout), "the record gives what the SDK gave");
        Assert.That(first.Stdout, Does.Contain("export AWS_REGION='us-east-1'\n"));
        Assert.That(edited.ExitCode, Is.Zero, edited.ToString());
        Assert.That(edited.Stdout, Does.Contain("export AWS_REGION='eu-central-1'\n"));
        Assert.That(Aws.Calls, Has.Count.EqualTo(1), "one session, from the cache after that");
    }

    [Test]
    public async Task A_typo_in_the_region_is_refused_on_a_cached_answer_too()
    {
        Assert.That((await GetAsync()).ExitCode, Is.Zero);
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), "[profile base]\nregion = us-est-1\n");

        var first = await GetAsync();
        var again = await GetAsync();

        Assert.That(first.ExitCode, Is.EqualTo(2), first.ToString());
        Assert.That(first.Stderr, Does.Contain("unknown region 'us-est-1' (did you mean us-east-1?)"));
        Assert.That(again.ExitCode, Is.EqualTo(2), "the record does not vouch for a region the SDK does not know");
        Assert.That(again.Stderr, Is.EqualTo(first.Stderr));
    }
}
