using System.Diagnostics;
using System.Text.Json;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// 16 processes at once, 3 rounds (a miss, a hit, a refresh), against an endpoint that rejects a
/// reused code, as STS does. (It was 32 x 5; the rounds dropped repeated what these three prove.)
/// </summary>
[TestFixture]
[Category("Process")]
// Serial: it is itself the load (16 processes at once), and times its rounds.
[NonParallelizable]
public sealed class SoakTests
{
    private const int Processes = 16;

    [Test]
    public async Task Sixteen_processes_times_three_rounds_make_one_sts_call_per_round_that_needs_one()
    {
        using var aws = new FakeAwsServer();
        using var tool = new ToolProcess();
        var rounds = new (string Name, string? Code, bool Refresh, int Calls)[]
        {
            ("empty cache, code A", "100001", false, 1),
            ("cache valid, no code", null, false, 0),
            ("--refresh, code B", "100002", true, 1),
        };
        var report = new List<string>();

        foreach (var round in rounds)
        {
            var callsBefore = aws.SessionsIssued;
            var requestsBefore = aws.RequestsFor("GetSessionToken");
            var args = new List<string> { "session", "get", "--profile", "base", "--endpoint-url", aws.Url, "-o", "json", "-q" };
            if (round.Code is not null)
            {
                args.AddRange(["-t", round.Code]);
            }

            if (round.Refresh)
            {
                args.Add("--refresh");
            }

            var clock = Stopwatch.StartNew();
            var runs = await Task.WhenAll(Enumerable.Range(0, Processes).Select(_ => tool.RunAsync(null, TimeSpan.FromMinutes(3), [.. args])));
            clock.Stop();

            var failures = runs.Where(r => r.ExitCode != 0).ToList();
            Assert.That(failures, Is.Empty, $"{round.Name}: {failures.Count} failed\n{string.Join("\n", failures.Take(3))}");
            Assert.That(aws.RequestsFor("GetSessionToken") - requestsBefore, Is.EqualTo(round.Calls), $"{round.Name}: GetSessionToken calls");
            Assert.That(runs.Select(r => r.Stdout).Distinct().Count(), Is.EqualTo(1), $"{round.Name}: every process printed the same session");

            var entry = Directory.GetFiles(tool.CacheFolder, "*.json").Single();
            using var cached = JsonDocument.Parse(File.ReadAllText(entry));
            using var printed = JsonDocument.Parse(runs[0].Stdout);
            Assert.That(cached.RootElement.GetProperty("sessionToken").GetString(), Is.EqualTo(printed.RootElement.GetProperty("SessionToken").GetString()), $"{round.Name}: the cache holds the printed session");
            Assert.That(cached.RootElement.GetProperty("expiration").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(5)), $"{round.Name}: the cache entry is valid");
            report.Add($"{round.Name}: {aws.SessionsIssued - callsBefore} STS call(s), {Processes}/{Processes} succeeded, {clock.Elapsed.TotalSeconds:F1} s");
        }

        TestContext.Out.WriteLine(string.Join("\n", report));
        Assert.That(aws.SessionsIssued, Is.EqualTo(2));
    }
}
