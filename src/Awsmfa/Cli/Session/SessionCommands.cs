using System.CommandLine;
using System.Text;
using System.Text.Json;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Session;

/// <summary><c>awsmfa session get | list | clear</c>.</summary>
internal static class SessionCommands
{
    private static readonly string[] ListHeader = ["PROFILE", "MFA SERIAL", "EXPIRES", "LEFT"];

    public static Command Create(AppServices services)
    {
        var session = new Command("session", "Get, list and clear cached MFA sessions.");
        session.Subcommands.Add(CreateGet(services));
        session.Subcommands.Add(CreateList(services));
        session.Subcommands.Add(CreateClear(services));
        return session;
    }

    private static Command CreateGet(AppServices services)
    {
        var pipeline = new PipelineOptionSet(services.Profiles.ListNames);
        var output = CommonOptions.Output(
            "env (sh/bash/zsh exports), dotenv (NAME=value), fish, powershell, json, or credential-process (for ~/.aws/config).",
            SessionOutput.Formats);
        var quiet = CommonOptions.Quiet();
        var command = new Command(
            "get",
            "Print temporary MFA credentials, from the cache while they last, else from STS GetSessionToken (asks for a code).");
        pipeline.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(quiet);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var run = new CommandRun(parseResult, quiet);
            var session = await services.CreatePipeline(run.Reporter)
                .GetSessionAsync(pipeline.Read(parseResult), cancellationToken).ConfigureAwait(false);
            SessionOutput.Write(parseResult.GetValue(output)!, session.Credentials, run.Output);
            run.Reporter.Info(Describe(session, services.Clock.GetUtcNow()));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateList(AppServices services)
    {
        var output = CommonOptions.Output("table or json.", "table", "json");
        var command = new Command("list", "List cached sessions of every profile: profile, MFA device, expiry, time left. Shows no secrets.");
        command.Options.Add(output);
        command.SetAction(parseResult =>
        {
            var run = new CommandRun(parseResult);
            var now = services.Clock.GetUtcNow();
            var entries = services.CreateCache(run.Reporter).ReadAll(out var unreadable)
                .OrderBy(e => e.Profile, StringComparer.Ordinal)
                .ThenBy(e => e.Expiration)
                .ToList();
            if (unreadable > 0)
            {
                run.Reporter.Warn($"skipped {unreadable} unreadable cache {(unreadable == 1 ? "entry" : "entries")} (run with --verbose for why)");
            }

            if (parseResult.GetValue(output) == "json")
            {
                WriteListJson(entries, now, run.Output);
            }
            else if (entries.Count == 0)
            {
                run.Reporter.Info("no cached sessions");
            }
            else
            {
                WriteListTable(entries, now, run.Output);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateClear(AppServices services)
    {
        var profile = new Option<string?>("--profile")
        {
            Description = "Remove only this profile's sessions (use 'env' for keys from the environment).",
            HelpName = "NAME",
        };
        profile.CompletionSources.Add(_ => services.Profiles.ListNames());
        var command = new Command("clear", "Remove cached sessions: all of them, or one profile's.");
        command.Options.Add(profile);
        command.SetAction(parseResult =>
        {
            var run = new CommandRun(parseResult);
            var only = parseResult.GetValue(profile);
            var removed = services.CreateCache(run.Reporter)
                .Remove(entry => only is null || (entry is not null && entry.Profile == only));
            var what = removed == 1 ? "1 cached session" : $"{removed} cached sessions";
            run.Reporter.Info(only is null ? $"removed {what}" : $"removed {what} of profile '{only}'");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(MfaSession session, DateTimeOffset now)
    {
        var left = DurationParser.Humanize(session.Credentials.Expiration - now);
        var source = session.FromCache ? "from the cache" : "new from STS";
        return $"session for profile '{session.Profile}' ({session.MfaSerial}) valid until {SessionOutput.FormatTime(session.Credentials.Expiration)} ({left} left), {source}";
    }

    private static string TimeLeft(CacheEntry entry, DateTimeOffset now) =>
        entry.Expiration <= now ? "expired" : DurationParser.Humanize(entry.Expiration - now);

    private static void WriteListTable(List<CacheEntry> entries, DateTimeOffset now, TextWriter output)
    {
        var rows = new List<string[]> { ListHeader };
        rows.AddRange(entries.Select(e => new[] { e.Profile, e.MfaSerial, SessionOutput.FormatTime(e.Expiration), TimeLeft(e, now) }));
        output.Write(TextTable.Render(rows));
    }

    private static void WriteListJson(List<CacheEntry> entries, DateTimeOffset now, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var entry in entries)
            {
                json.WriteStartObject();
                json.WriteString("Profile", entry.Profile);
                json.WriteString("MfaSerial", entry.MfaSerial);
                json.WriteString("Expiration", SessionOutput.FormatTime(entry.Expiration));
                json.WriteNumber("SecondsLeft", Math.Max(0, (long)(entry.Expiration - now).TotalSeconds));
                json.WriteBoolean("Expired", entry.Expiration <= now);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }
}
