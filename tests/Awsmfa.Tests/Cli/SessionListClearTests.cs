using System.Text.Json;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

[TestFixture]
[Category("Unit")]
public sealed class SessionListClearTests
{
    private TestHost _host = null!;

    [SetUp]
    public async Task SetUp()
    {
        _host = new TestHost();
        _host.WriteCredentials($"""
            [base]
            aws_access_key_id = AKIABASE000000000001
            aws_secret_access_key = base-secret
            mfa_serial = arn:aws:iam::123456789012:mfa/base

            [work]
            aws_access_key_id = AKIAWORK000000000001
            aws_secret_access_key = work-secret
            mfa_serial = arn:aws:iam::210987654321:mfa/worker
            """);
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "111111");
        _host.Aws.NextExpiration = _host.Clock.GetUtcNow().UtcDateTime.AddHours(12);
        await _host.RunAsync("session", "get", "--profile", "work", "-t", "222222", "--duration", "12h");
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task List_shows_profile_device_expiry_and_time_left_without_secrets()
    {
        _host.Clock.Advance(TimeSpan.FromMinutes(90));

        var result = await _host.RunAsync("session", "list");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo(
            "PROFILE  TYPE     ROOT  ROLE  MFA SERIAL                            EXPIRES               LEFT\n" +
            "base     session  file  -     arn:aws:iam::123456789012:mfa/base    2026-11-28T13:00:00Z  expired\n" +
            "work     session  file  -     arn:aws:iam::210987654321:mfa/worker  2026-11-29T00:00:00Z  10h30m\n"));
        Assert.That(result.Stdout + result.Stderr, Does.Not.Contain("session-secret").And.Not.Contain("session-token"));
    }

    [Test]
    public async Task List_as_json()
    {
        var result = await _host.RunAsync("session", "list", "-o", "json");

        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.That(rows.Select(r => r.GetProperty("Profile").GetString()), Is.EqualTo(new[] { "base", "work" }));
        Assert.That(rows[1].GetProperty("SecondsLeft").GetInt64(), Is.EqualTo(12 * 3600));
        Assert.That(rows[0].GetProperty("Expired").GetBoolean(), Is.False);
        Assert.That(result.Stdout, Does.Not.Contain("session-token"));
    }

    [Test]
    public async Task List_of_an_empty_cache_says_so_on_stderr_only()
    {
        await _host.RunAsync("session", "clear");

        var table = await _host.RunAsync("session", "list");
        var json = await _host.RunAsync("session", "list", "-o", "json");

        Assert.That(table.Stdout, Is.Empty);
        Assert.That(table.Stderr, Is.EqualTo("awsmfa: no cached sessions\n"));
        Assert.That(json.Stdout.Trim(), Is.EqualTo("[]"));
    }

    [Test]
    public async Task List_skips_unreadable_entries_with_a_warning()
    {
        var garbage = Path.Combine(_host.CacheFolder, "0123456789abcdef0123456789abcdef.json");
        File.WriteAllText(garbage, "{garbage");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(garbage, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var result = await _host.RunAsync("session", "list");

        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3));
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: warning: skipped 1 unreadable cache entry (run with --verbose for why)\n"));
    }

    [Test]
    public async Task Clear_with_a_profile_removes_only_that_profiles_sessions()
    {
        var result = await _host.RunAsync("session", "clear", "--profile", "work");
        var left = await _host.RunAsync("session", "list");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: removed 1 cached session of profile 'work'\n"));
        Assert.That(left.Stdout, Does.Contain("base").And.Not.Contain("work"));
    }

    [Test]
    public async Task Clear_removes_every_entry_and_says_how_many()
    {
        var result = await _host.RunAsync("session", "clear");
        var again = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.Stderr, Is.EqualTo("awsmfa: removed 2 cached sessions\n"));
        Assert.That(_host.CacheFiles().Where(f => f.EndsWith(".json", StringComparison.Ordinal)), Is.Empty);
        Assert.That(again.ExitCode, Is.EqualTo(2), "a cleared session needs a new code");
    }
}
