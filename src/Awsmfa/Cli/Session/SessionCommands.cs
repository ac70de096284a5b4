using System.CommandLine;
using System.Text;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Session;

internal enum ListFormat
{
    Table,
    Json,
}

/// <summary><c>awsmfa session get | list | clear</c>.</summary>
internal static class SessionCommands
{
    public static Command Create(IProfileStore profiles, SessionGetHandler get, SessionCacheHandler cache)
    {
        var session = new Command("session", "Get, list and clear cached MFA sessions.");
        session.Subcommands.Add(CreateGet(profiles, get));
        session.Subcommands.Add(CreateList(cache));
        session.Subcommands.Add(CreateClear(profiles, cache));
        return session;
    }

    private static Command CreateGet(IProfileStore profiles, SessionGetHandler handler)
    {
        var pipeline = new PipelineOptionDefinitions(profiles);
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
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = parseResult.GetValue(output);
            return handler.RunAsync(
                new SessionGetOptions(pipeline.Read(parseResult), format, () => LoadHint(parseResult, format, [.. pipeline.Shaping, output])),
                new CommandRun(parseResult, quiet),
                cancellationToken);
        });
        return command;
    }

    private static Command CreateList(SessionCacheHandler handler)
    {
        var output = CommonOptions.Output("table or json.", ("table", ListFormat.Table), ("json", ListFormat.Json));
        var command = new Command("list", "List cached MFA sessions and role credentials of every profile: profile, step type, where the keys came from, role, MFA device, expiry, time left. Shows no secrets.");
        command.Options.Add(output);
        command.SetAction(parseResult => handler.List(parseResult.GetValue(output), new CommandRun(parseResult)));
        return command;
    }

    private static Command CreateClear(IProfileStore profiles, SessionCacheHandler handler)
    {
        var profile = new Option<string?>("--profile")
        {
            Description = "Remove only this profile's sessions (use 'env' for keys from the environment).",
            HelpName = "NAME",
        };
        profile.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        var command = new Command("clear", "Remove cached sessions: all of them, or one profile's; and what interrupted writes left behind.");
        command.Options.Add(profile);
        command.SetAction(parseResult => handler.Clear(parseResult.GetValue(profile)?.Trim(), new CommandRun(parseResult)));
        return command;
    }

    /// <summary>
    /// The command that loads this very session into the shell: every option given that changes
    /// which credentials, or in which shape, quoted for that shell (a code is spent, and cache
    /// and timeout options do not change the answer).
    /// </summary>
    private static string LoadHint(ParseResult parseResult, SessionFormat format, IReadOnlyList<Option> shaping)
    {
        Func<string, string> quote = format switch
        {
            SessionFormat.Fish => SessionOutput.FishQuote,
            SessionFormat.PowerShell => SessionOutput.PowerShellQuote,
            _ => SessionOutput.PosixQuote,
        };
        var command = new StringBuilder("awsmfa session get");
        foreach (var option in shaping)
        {
            if (parseResult.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            foreach (var token in given.Tokens)
            {
                command.Append(' ').Append(given.IdentifierToken?.Value ?? option.Name).Append(' ').Append(IsPlain(token.Value) ? token.Value : quote(token.Value));
            }
        }

        return format switch
        {
            SessionFormat.Fish => $"{command} | source",
            SessionFormat.PowerShell => $"{command} | Out-String | Invoke-Expression",
            _ => $"eval \"$({command})\"",
        };
    }

    private static bool IsPlain(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '+');
}

/// <summary>What <c>session get</c> was asked; <paramref name="LoadCommand"/> rebuilds the command line that loads the same session.</summary>
internal sealed record SessionGetOptions(PipelineOptions Pipeline, SessionFormat Format, Func<string> LoadCommand);

/// <summary>Runs <c>session get</c>: the session through the pipeline, printed in the asked shape, and a line for people.</summary>
internal sealed class SessionGetHandler(Func<Reporter, CredentialPipeline> pipelines, ITerminal terminal, TimeProvider clock)
{
    public async Task<int> RunAsync(SessionGetOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline);
        var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
        SessionOutput.Write(options.Format, served.Credentials, request.Target.Region, run.Output);
        run.Reporter.Info(Describe(served, clock.GetUtcNow()));
        if (terminal.StdoutIsTerminal && options.Format is SessionFormat.Env or SessionFormat.Fish or SessionFormat.PowerShell)
        {
            run.Reporter.Info("to load these into your shell: " + options.LoadCommand());
        }

        return ExitCodes.Success;
    }

    private static string Describe(ServedCredentials served, DateTimeOffset now)
    {
        var left = DurationParser.Humanize(served.Credentials.Expiration - now);
        var source = served.FromCache ? "from the cache" : "new from STS";
        var mfa = served.Identity.MfaSerial is { Length: > 0 } serial ? serial : "no MFA";
        var what = served.Identity.RoleArn is { } role
            ? $"role {role} for profile '{served.Identity.Profile}' ({(mfa == "no MFA" ? mfa : "MFA " + mfa)})"
            : $"session for profile '{served.Identity.Profile}' ({mfa})";
        return $"{what} valid until {Timestamps.Format(served.Credentials.Expiration)} ({left} left), {source}";
    }
}

/// <summary>Runs <c>session list</c> and <c>session clear</c> on the cache folder.</summary>
internal sealed class SessionCacheHandler(Func<Reporter, SessionCache> caches, TimeProvider clock, Func<TimeSpan> expiryMargin)
{
    private static readonly string[] ListHeader = ["PROFILE", "TYPE", "ROOT", "ROLE", "MFA SERIAL", "EXPIRES", "LEFT"];

    public int List(ListFormat format, CommandRun run)
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

        if (format == ListFormat.Json)
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

    public int Clear(string? only, CommandRun run)
    {
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
