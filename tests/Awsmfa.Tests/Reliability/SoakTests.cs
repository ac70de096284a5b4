using System.Diagnostics;
using System.Text.Json;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>32 processes at once, 5 rounds, against an endpoint that rejects a reused code, as STS does.</summary>
[TestFixture]
[Category("Reliability")]
[NonParallelizable]
public sealed class SoakTests
{
    private const int Processes = 32;

    [Test]
    public async Task Thirty_two_processes_times_five_rounds_make_one_sts_call_per_round_that_needs_one()
    {
        using var aws = new FakeAwsServer();
        using var tool = new ToolProcess();
        var rounds = new (string Name, string? Code, bool Refresh, bool ClearCache, int Calls)[]
        {
            ("empty cache, code A", "100001", false, false, 1),
            ("cache valid, no code", null, false, false, 0),
            ("--refresh, code B", "100002", true, false, 1),
            ("cache cleared, code C", "100003", false, true, 1),
            ("--refresh, code D", "100004", true, false, 1),
        };
        var report = new List<string>();

        foreach (var round in rounds)
        {
            if (round.ClearCache)
            {
                foreach (var stale in Directory.GetFiles(tool.CacheFolder, "*.json"))
                {
                    File.Delete(stale);
                }
            }

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
        Assert.That(aws.SessionsIssued, Is.EqualTo(4));
    }
}
