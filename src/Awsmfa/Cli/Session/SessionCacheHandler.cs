using Awsmfa.Credentials;
using Awsmfa.Output;

namespace Awsmfa.Cli.Session;

/// <summary>Runs <c>session list</c> and <c>session clear</c> on the cache folder.</summary>
internal sealed class SessionCacheHandler(Func<Reporter, SessionCache> caches, TimeProvider clock, Func<TimeSpan> expiryMargin)
{
    private static readonly string[] ListHeader = ["PROFILE", "TYPE", "ROOT", "ROLE", "MFA SERIAL", "EXPIRES", "LEFT"];

    public int List(SessionListOptions options, CommandRun run)
    {
        var now = clock.GetUtcNow();
        var margin = expiryMargin();
        var entries = caches(run.Reporter).ReadAll(out var unreadable)
            .OrderBy(e => e.Profile, StringComparer.Ordinal)
            .ThenBy(e => e.Expiration)
            .ToList();
        if (unreadable > 0)
        {
            run.Reporter.Warn($"skipped {unreadable} unreadable cache {(unreadable == 1 ? "entry" : "entries")} (run with --verbose for why)");
        }

        if (options.Format == ListFormat.Json)
        {
            OutputJson.Write(
                run.Output,
                entries.Select(e => new CachedSessionJson(
                    e.Profile, e.Type, e.Root ?? RootIdentity.File, string.IsNullOrEmpty(e.MfaSerial) ? null : e.MfaSerial, e.RoleArn, Timestamps.Format(e.Expiration), Math.Max(0, (long)(e.Expiration - now).TotalSeconds), e.Expiration <= now, e.Expiration - margin <= now)).ToList(),
                OutputJson.Indented.ListCachedSessionJson);
        }
        else if (entries.Count == 0)
        {
            run.Reporter.Info("no cached sessions");
        }
        else
        {
            var rows = new List<IReadOnlyList<string>> { ListHeader };
            rows.AddRange(entries.Select(e => new[]
            {
                Printable.Cell(e.Profile), ShortType(e.Type), Printable.Cell(e.Root ?? RootIdentity.File), Printable.Cell(e.RoleArn), Printable.Cell(e.MfaSerial),
                Timestamps.Format(e.Expiration), TimeLeft(e, now, margin),
            }));
            run.Output.Write(TextTable.Render(rows));
        }

        return ExitCodes.Success;
    }

    public int Clear(SessionClearOptions options, CommandRun run)
    {
        var only = options.Profile;
        var cache = caches(run.Reporter);
        var removed = cache.Remove(entry => only is null || (entry is not null && entry.Profile == only));
        var leftovers = cache.RemoveTempFiles(olderThan: TimeSpan.Zero);
        if (only is null)
        {
            // What the SDK made of the config files (no secret): made again by the next run.
            cache.TryDeleteFile(Credentials.ProfileMemo.FileKey);
            // kubectl tokens made from the sessions removed.
            Awsmfa.Eks.EksTokenCache.RemoveAll(cache);
        }

        var what = removed == 1 ? "1 cached session" : $"{removed} cached sessions";
        run.Reporter.Info(only is null ? $"removed {what}" : $"removed {what} of profile '{only}'");
        if (leftovers > 0)
        {
            run.Reporter.Info($"removed {leftovers} temp {(leftovers == 1 ? "file" : "files")} left by an interrupted write");
        }

        return ExitCodes.Success;
    }

    /// <summary>The step type in a word: session (GetSessionToken), role (AssumeRole), federation (GetFederationToken).</summary>
    private static string ShortType(string type) => StepTypes.Find(type)?.Word ?? Printable.Cell(type);

    /// <summary>Inside the margin an entry is no longer served: the next command renews it, and the table says so.</summary>
    private static string TimeLeft(CacheEntry entry, DateTimeOffset now, TimeSpan margin) =>
        entry.Expiration <= now ? "expired"
        : entry.Expiration - margin <= now ? $"{DurationParser.Humanize(entry.Expiration - now)} (renews)"
        : DurationParser.Humanize(entry.Expiration - now);
}
