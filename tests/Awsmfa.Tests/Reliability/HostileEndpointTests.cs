using System.Diagnostics;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// A hostile or compromised endpoint (issue #15): what it answers is checked before awsmfa uses
/// or caches it, it cannot redirect the code elsewhere or hang awsmfa, and what it says reaches
/// the terminal only as plain text.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed class HostileEndpointTests : FakeAwsToolTest
{
    private Task<CliResult> GetAsync(params string[] extra) =>
        Tool.RunAsync(null, TimeSpan.FromSeconds(30), ["session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", .. extra]);

    private bool AnythingCached() =>
        Directory.Exists(Tool.CacheFolder) && Directory.GetFiles(Tool.CacheFolder, "*.json").Length > 0;

    private static void AssertOnePlainLine(CliResult result)
    {
        Assert.That(result.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.Stderr.TrimEnd('\n').Where(char.IsControl), Is.Empty, "no control characters or escape sequences: " + result);
    }

    private static IEnumerable<TestCaseData> HostileCredentials()
    {
        var inAnHour = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        yield return new TestCaseData("ASIA\u2019; New-Item pwned; #", "SecretValue000000001", "Token", inAnHour).SetName("PowerShell code in the key id");
        yield return new TestCaseData("", "SecretValue000000001", "Token", inAnHour).SetName("A blank key id");
        yield return new TestCaseData("ASIAFAKESESSION00001", "secret'$(id)", "Token", inAnHour).SetName("Shell code in the secret");
        yield return new TestCaseData("ASIAFAKESESSION00001", "SecretValue000000001", "To ken'\u009b2J", inAnHour).SetName("Quotes, spaces and a C1 control in the token");
        yield return new TestCaseData("ASIAFAKESESSION00001", "SecretValue000000001", "Token", "9999-12-31T23:59:59Z").SetName("An expiry in 9999");
        yield return new TestCaseData("ASIAFAKESESSION00001", "SecretValue000000001", "Token", "2001-01-01T00:00:00Z").SetName("An expiry in the past");
    }

    [TestCaseSource(nameof(HostileCredentials))]
    public async Task Credentials_not_in_the_shape_AWS_issues_are_refused_and_never_cached(string keyId, string secret, string token, string expiration)
    {
        Aws.Credentials = (keyId, secret, token, expiration);

        var result = await GetAsync("-o", "powershell");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(result.Stderr, Does.StartWith("awsmfa: STS answered GetSessionToken with").And.Contain("nothing was cached"));
        AssertOnePlainLine(result);
        Assert.That(AnythingCached(), Is.False);
    }

    [Test]
    public async Task A_fifty_megabyte_token_is_refused_without_eating_memory()
    {
        Aws.Credentials = ("ASIAFAKESESSION00001", "SecretValue000000001", new string('A', 50 * 1024 * 1024), DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(AnythingCached(), Is.False);
    }

    [TestCase(ServerBehaviour.Redirect307)]
    [TestCase(ServerBehaviour.Redirect302)]
    public async Task Redirects_are_never_followed(ServerBehaviour redirect)
    {
        Aws.Mode = redirect;

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(Aws.RedirectsFollowed, Is.Zero, "the code went nowhere else");
        Assert.That(result.Stderr, Does.Contain("redirect").And.Contain("does not follow"));
        AssertOnePlainLine(result);
        Assert.That(AnythingCached(), Is.False);
    }

    [Test]
    public async Task A_body_that_stalls_after_the_headers_is_bounded_by_the_request_timeout()
    {
        Aws.Mode = ServerBehaviour.StallBody;
        var clock = Stopwatch.StartNew();

        var result = await GetAsync("--request-timeout", "1s");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.StartWith($"awsmfa: could not reach STS: no answer from {new Uri(Aws.Url).Authority} within the request timeout"));
        // 3 attempts of 1 s, back-off and start-up: far below the 30 s this harness allows.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(12)));
        TestContext.Out.WriteLine($"measured: body stalled after headers, --request-timeout 1s: exit {result.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    public async Task An_error_body_full_of_terminal_escapes_reaches_stderr_as_plain_text()
    {
        Aws.Mode = ServerBehaviour.EscapeGarbage;

        var result = await GetAsync("--verbose");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"\nawsmfa: STS answered HTTP 403 from {new Uri(Aws.Url).Authority} with a body that is not an AWS error; is the endpoint right (--endpoint-url, AWS_ENDPOINT_URL, endpoint_url)?\n"), "one line in awsmfa's words, naming the host");
        Assert.That(result.Stderr, Does.Not.Contain("[2J").And.Not.Contain("31m").And.Not.Contain("pwned").And.Not.Contain("HTTP Body"), "no SDK words, no remains of escape sequences");
        Assert.That(result.Stderr.Where(c => char.IsControl(c) && c != '\n'), Is.Empty, result.ToString());
    }

    [Test]
    public async Task A_body_that_is_not_xml_is_one_plain_line_and_exit_1()
    {
        Aws.Mode = ServerBehaviour.NotXml;

        var result = await GetAsync();

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("unexpected").And.Not.Contain("bug"));
        AssertOnePlainLine(result);
    }

    [TestCase("table")]
    [TestCase("text")]
    [TestCase("ids")]
    public async Task Instance_ids_that_are_not_ids_are_refused(string format)
    {
        Aws.ReservationSetXml = "<item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-0123456789abcdef0\ni-0fedcba9876543210</instanceId><instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item>";

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "ec2", "list", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", format);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("i-0fedcba9876543210"));
        Assert.That(result.Stderr, Does.Contain("instance id that is not one"));
    }

    [Test]
    public async Task An_instance_id_with_a_trailing_line_break_is_refused()
    {
        Aws.ReservationSetXml = "<item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-12345678\n</instanceId><instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item>";

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "ec2", "list", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "ids");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Is.Empty);
    }

    [Test]
    public async Task Pages_that_never_end_are_refused()
    {
        Aws.NextToken = "same";
        var clock = Stopwatch.StartNew();

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "ec2", "list", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "ids");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("kept answering with more pages"));
        Assert.That(Aws.RequestsFor("DescribeInstances"), Is.LessThan(5));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task A_state_with_line_breaks_stays_in_its_row()
    {
        Aws.ReservationSetXml = "<item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>running\n\u009b2Jfake\trow</name></instanceState></item></instancesSet></item>";

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "ec2", "list", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "text");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var lines = result.Stdout.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0].Split('\t'), Has.Length.EqualTo(8), "eight columns, no extra tab");
        Assert.That(lines[0].Where(c => char.IsControl(c) && c != '\t'), Is.Empty);
    }

    [Test]
    public async Task A_region_the_account_has_not_opted_in_to_is_one_warning_and_the_others_still_print()
    {
        Aws.FailRegion = "ap-south-1";
        Aws.ReservationSetXml = "<item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item>";

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "ec2", "list", "--all-regions", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "text");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')[0]), Is.EqualTo(new[] { "eu-west-1", "us-east-1" }));
        Assert.That(result.Stderr, Does.Contain("warning: ap-south-1: EC2 error OptInRequired"));
        Assert.That(result.Stderr, Does.Contain("2 instances in 2 regions (3 asked, 1 failed): 2 running"));
    }
}
