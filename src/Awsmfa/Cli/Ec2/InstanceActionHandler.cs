using System.Text;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Ec2;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Ec2;

/// <summary>
/// Runs <c>ec2 terminate | stop | start | reboot</c>: reads the ids, gets the session, and talks
/// to the person around what <see cref="InstanceActionEngine"/> does: missing or ambiguous ids
/// (nothing done), the instances shown and confirmed, one line per instance, progress while
/// waiting, and the exit code (4 when some failed and others did not).
/// </summary>
internal sealed class InstanceActionHandler(
    Func<Reporter, CredentialPipeline> pipelines,
    IAwsClientFactory clients,
    ITerminal terminal,
    IStandardInput standardInput,
    TimeProvider clock,
    TimeSpan pollInterval)
{
    public async Task<int> RunAsync(InstanceActionOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var action = options.Action;
        var ids = await ReadIdsAsync(options, cancellationToken).ConfigureAwait(false);
        if (!options.Yes && !options.DryRun && !terminal.IsAvailable)
        {
            throw AwsmfaException.Usage($"refusing to {action.Verb} without confirmation: there is no terminal to ask; pass --yes to confirm");
        }

        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline, requireRegion: !options.AllRegions);
        var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
        using var regions = await RegionalClients.CreateAsync(clients, request.Target, served.Credentials, options.Regions, options.AllRegions, cancellationToken).ConfigureAwait(false);
        var engine = new InstanceActionEngine(action, regions, clock, pollInterval, run.Reporter, cancellationToken);
        var view = new View(action, regions, run);

        var lookup = await engine.LookUpAsync(ids).ConfigureAwait(false);
        if (lookup.Missing.Count > 0)
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"no such instance {view.LookedIn()}: {Listed(lookup.Missing)}; nothing was {action.Past}{(regions.Multi ? "" : " (another region: --region REGION, or --all-regions)")}");
        }

        if (lookup.InSeveralRegions.Count > 0)
        {
            var twice = lookup.InSeveralRegions[0];
            throw AwsmfaException.Usage($"{twice.Id} is in more than one region ({string.Join(", ", twice.Regions)}); name one with --region; nothing was {action.Past}");
        }

        foreach (var done in lookup.AlreadyDone)
        {
            run.Reporter.Info($"{done.Id} is already {done.Row.State}");
        }

        var targets = lookup.Targets;
        List<ActionOutcome> outcomes = [];
        if (targets.Count > 0)
        {
            if (options.DryRun)
            {
                view.ShowOnStderr(targets);
                run.Reporter.Info(await engine.DryRunAsync(targets).ConfigureAwait(false)
                    ? $"dry run: EC2 would {action.Verb} {Count(targets.Count)} ({string.Join(", ", targets.Select(t => t.Id))}); nothing was {action.Past}"
                    : $"dry run: EC2 raised no objection to {action.Gerund} {Count(targets.Count)}; nothing was {action.Past}");
                return ExitCodes.Success;
            }

            await ConfirmAsync(view, targets, options.Yes, cancellationToken).ConfigureAwait(false);
            outcomes = await engine.ApplyAsync(targets).ConfigureAwait(false);
        }

        view.Write(outcomes, options.Format);
        var failed = outcomes.Where(o => o.Error is not null).ToList();
        foreach (var failure in failed)
        {
            run.Reporter.Warn($"{failure.InstanceId} was not {action.Past}: {failure.Error}");
        }

        if (options.WaitTimeout is { } timeout && action.TargetState is { } state)
        {
            var waitFor = targets.Where(t => outcomes.Any(o => o.InstanceId == t.Id && o.Error is null && o.CurrentState != state)).ToList();
            var pending = await engine.WaitAsync(waitFor, state, timeout, (done, total, waited) =>
                run.Reporter.Info($"waiting: {done}/{total} {state} ({DurationParser.Humanize(waited)})")).ConfigureAwait(false);
            if (pending.Count > 0)
            {
                throw new AwsmfaException(
                    ExitCodes.AwsError,
                    $"gave up waiting after {DurationParser.Humanize(timeout)}: not yet {state}: {string.Join(", ", pending.Select(t => t.Id))}");
            }
        }

        return failed.Count == 0 ? ExitCodes.Success
            : failed.Count < outcomes.Count ? ExitCodes.PartialFailure
            : failed.All(f => f.ErrorCode == "UnauthorizedOperation") ? ExitCodes.AuthenticationRejected
            : ExitCodes.AwsError;
    }

    private async Task ConfirmAsync(View view, IReadOnlyList<ActionTarget> targets, bool confirmed, CancellationToken cancellationToken)
    {
        var action = view.Action;
        if (confirmed)
        {
            view.Run.Reporter.Info($"{action.Gerund} {Count(targets.Count)}:");
            view.ShowOnStderr(targets);
            return;
        }

        foreach (var line in view.Table(targets))
        {
            terminal.WriteLine("  " + line);
        }

        var verb = char.ToUpperInvariant(action.Verb[0]) + action.Verb[1..];
        var answer = await terminal.PromptAsync($"{verb} {targets.Count} instance(s)? [y/N] ", cancellationToken).ConfigureAwait(false);
        if (answer?.Trim().ToUpperInvariant() is not ("Y" or "YES"))
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"not confirmed; nothing was {action.Past}");
        }
    }

    private async Task<List<string>> ReadIdsAsync(InstanceActionOptions options, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var argument in options.Ids)
        {
            if (argument != "-")
            {
                ids.Add(argument.Trim());
                continue;
            }

            if (options.Pipeline.TokenCode == MfaCodeSource.StdinMarker)
            {
                throw AwsmfaException.Usage("stdin cannot carry both the instance ids (-) and the MFA code (--token-code -)");
            }

            var text = await standardInput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            ids.AddRange(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }

        var invalid = ids.Where(id => !Ec2Rules.IsInstanceId(id)).Distinct().ToList();
        if (invalid.Count > 0)
        {
            var shown = string.Join(", ", invalid.Take(5).Select(id => $"'{(id.Length <= 40 ? id : id[..40] + "...")}'")) + (invalid.Count > 5 ? $" and {invalid.Count - 5} more" : "");
            throw AwsmfaException.Usage($"not an instance id: {shown} ({Ec2Rules.InstanceIdHint}); nothing was {options.Action.Past}");
        }

        return ids.Count > 0
            ? ids.Distinct(StringComparer.Ordinal).ToList()
            : throw AwsmfaException.Usage("no instance ids: name them, or pass - and give them on stdin");
    }

    private static string Listed(IReadOnlyList<string> ids) =>
        ids.Count <= 5 ? string.Join(", ", ids) : $"{string.Join(", ", ids.Take(5))} and {ids.Count - 5} more";

    private static string Count(int n) => n == 1 ? "1 instance" : $"{n} instances";

    /// <summary>How the instances and outcomes look on stderr, the terminal and stdout.</summary>
    private sealed class View(InstanceAction action, RegionalClients regions, CommandRun run)
    {
        public InstanceAction Action => action;

        public CommandRun Run => run;

        /// <summary>Where the ids were looked for, in a few words however many regions that was.</summary>
        public string LookedIn() => regions.Count switch
        {
            1 => regions[0].Target.Region is { } region ? $"in {region}" : "in this region",
            <= 3 => $"in {string.Join(", ", regions.Select(r => r.Region))}",
            _ => $"in {regions.Count} regions",
        };

        /// <summary>The instances as a small table; names are tag values, anyone's text, so they are cleaned.</summary>
        public string[] Table(IReadOnlyList<ActionTarget> targets)
        {
            IReadOnlyList<string> header = regions.Multi ? ["INSTANCE ID", "REGION", "NAME", "STATE", "TYPE"] : ["INSTANCE ID", "NAME", "STATE", "TYPE"];
            var rows = targets.Select(t => (IReadOnlyList<string>)(regions.Multi
                ? [t.Id, t.Region.Region ?? "-", Printable.Cell(t.Row.Name), t.Row.State, Printable.Cell(t.Row.InstanceType)]
                : [t.Id, Printable.Cell(t.Row.Name), t.Row.State, Printable.Cell(t.Row.InstanceType)]));
            return TextTable.Render([header, .. rows]).TrimEnd('\n').Split('\n');
        }

        public void ShowOnStderr(IReadOnlyList<ActionTarget> targets)
        {
            foreach (var line in Table(targets))
            {
                run.Reporter.Info("  " + line);
            }
        }

        public void Write(List<ActionOutcome> outcomes, ActionFormat format)
        {
            if (format == ActionFormat.Json)
            {
                OutputJson.Write(
                    run.Output,
                    [.. outcomes.Select(o => new InstanceChangeJson(o.InstanceId, o.PreviousState, o.CurrentState, o.Error) { Region = o.Region })],
                    OutputJson.Indented.ListInstanceChangeJson);
                return;
            }

            var text = new StringBuilder();
            foreach (var outcome in outcomes.Where(o => o.Error is null))
            {
                text.Append(action.TargetState is null
                    ? $"{outcome.InstanceId} {outcome.PreviousState}: {action.Verb} requested"
                    : $"{outcome.InstanceId} {outcome.PreviousState} -> {outcome.CurrentState}");
                text.Append(regions.Multi ? $" ({outcome.Region})\n" : "\n");
            }

            run.Output.Write(text.ToString());
        }
    }
}
