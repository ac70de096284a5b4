using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Ec2;

internal enum ActionFormat
{
    Text,
    Json,
}

/// <summary>
/// Runs an <see cref="InstanceAction"/> on instances in one region or several: every id is looked
/// up first (missing: exit 1, in two regions: exit 2, nothing done), what will change is shown and
/// confirmed, each region's ids go to that region in one call (one by one when EC2 refuses the
/// call because of one instance), and the outcome is one line per instance, exit 4 when some
/// failed and others did not.
/// </summary>
internal sealed class InstanceActionEngine(
    InstanceAction action,
    IReadOnlyList<RegionalClient> regions,
    ITerminal terminal,
    TimeProvider clock,
    TimeSpan pollInterval,
    Reporter reporter,
    TextWriter output,
    CancellationToken cancellationToken)
{
    private const int DescribeChunk = 200;

    /// <summary>As for listing: every enabled region of an account at once.</summary>
    private const int MaxRegionsAtOnce = 32;

    private bool Multi => regions.Count > 1;

    /// <summary>Where the ids were looked for, in a few words however many regions that was.</summary>
    private string LookedIn() => regions.Count switch
    {
        1 => regions[0].Target.Region is { } region ? $"in {region}" : "in this region",
        <= 3 => $"in {string.Join(", ", regions.Select(r => r.Region))}",
        _ => $"in {regions.Count} regions",
    };

    private static string Listed(List<string> ids) =>
        ids.Count <= 5 ? string.Join(", ", ids) : $"{string.Join(", ", ids.Take(5))} and {ids.Count - 5} more";

    private sealed record Target(string Id, RegionalClient Region, InstanceRow Row);

    private sealed record Outcome(string InstanceId, string? Region, string? PreviousState, string? CurrentState, string? Error, string? ErrorCode);

    public async Task<int> RunAsync(List<string> ids, bool confirmed, bool dryRun, TimeSpan? waitTimeout, ActionFormat format)
    {
        var found = await FindAsync(ids).ConfigureAwait(false);
        var missing = ids.Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"no such instance {LookedIn()}: {Listed(missing)}; nothing was {action.Past}{(Multi ? "" : " (another region: --region REGION, or --all-regions)")}");
        }

        if (ids.FirstOrDefault(id => found[id].Count > 1) is { } twice)
        {
            throw AwsmfaException.Usage($"{twice} is in more than one region ({string.Join(", ", found[twice].Select(t => t.Region.Region))}); name one with --region; nothing was {action.Past}");
        }

        foreach (var id in ids.Where(id => action.AlreadyDone.Contains(found[id][0].Row.State)))
        {
            reporter.Info($"{id} is already {found[id][0].Row.State}");
        }

        var targets = ids.Select(id => found[id][0]).Where(t => !action.AlreadyDone.Contains(t.Row.State)).ToList();
        var outcomes = new List<Outcome>();
        if (targets.Count > 0)
        {
            if (dryRun)
            {
                ShowOnStderr(targets);
                return await DryRunAsync(targets).ConfigureAwait(false);
            }

            await ConfirmAsync(targets, confirmed).ConfigureAwait(false);
            foreach (var group in targets.GroupBy(t => t.Region))
            {
                outcomes.AddRange(await ActAsync(group.Key, [.. group]).ConfigureAwait(false));
            }
        }

        outcomes = [.. outcomes.OrderBy(o => ids.IndexOf(o.InstanceId))];
        Write(outcomes, format);
        var failed = outcomes.Where(o => o.Error is not null).ToList();
        foreach (var failure in failed)
        {
            reporter.Warn($"{failure.InstanceId} was not {action.Past}: {failure.Error}");
        }

        if (waitTimeout is { } timeout && action.TargetState is { } state)
        {
            var waitFor = targets.Where(t => outcomes.Any(o => o.InstanceId == t.Id && o.Error is null && o.CurrentState != state)).ToList();
            await WaitAsync(waitFor, state, timeout).ConfigureAwait(false);
        }

        if (failed.Count == 0)
        {
            return ExitCodes.Success;
        }

        if (failed.Count < outcomes.Count)
        {
            return ExitCodes.PartialFailure;
        }

        return failed.All(f => f.ErrorCode == "UnauthorizedOperation") ? ExitCodes.AuthenticationRejected : ExitCodes.AwsError;
    }

    /// <summary>Where each id is: looked up in every region at once.</summary>
    private async Task<Dictionary<string, List<Target>>> FindAsync(List<string> ids)
    {
        using var gate = new SemaphoreSlim(MaxRegionsAtOnce);
        var perRegion = await Task.WhenAll(regions.Select(async region =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return (region, rows: await DescribeAsync(region, ids).ConfigureAwait(false));
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        var found = new Dictionary<string, List<Target>>(StringComparer.Ordinal);
        foreach (var (region, rows) in perRegion)
        {
            foreach (var row in rows.Values)
            {
                if (!found.TryGetValue(row.InstanceId, out var places))
                {
                    found[row.InstanceId] = places = [];
                }

                places.Add(new Target(row.InstanceId, region, row));
            }
        }

        return found;
    }

    private async Task<Dictionary<string, InstanceRow>> DescribeAsync(RegionalClient region, List<string> ids)
    {
        // Filtering by instance-id (rather than naming InstanceIds) lists what exists and leaves
        // out what does not, so every missing id can be named at once.
        var found = new Dictionary<string, InstanceRow>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(DescribeChunk))
        {
            var request = new DescribeInstancesRequest { Filters = [new Filter { Name = "instance-id", Values = [.. chunk] }] };
            await Paging.EachPageAsync(region, request, rows =>
            {
                foreach (var row in rows)
                {
                    found[row.InstanceId] = row;
                }

                return Task.CompletedTask;
            }, regionInErrors: true, cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    private async Task<int> DryRunAsync(List<Target> targets)
    {
        var confirmedByEc2 = true;
        foreach (var group in targets.GroupBy(t => t.Region))
        {
            try
            {
                await AwsCall.RunAsync(group.Key.Target, token => action.CallAsync(group.Key.Client, [.. group.Select(t => t.Id)], true, token), cancellationToken).ConfigureAwait(false);
                // An endpoint that ignores DryRun answers as for a real call, without DryRunOperation.
                confirmedByEc2 = false;
            }
            catch (AmazonEC2Exception e) when (e.ErrorCode == "DryRunOperation")
            {
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Ec2Errors.Map(e, group.Key.Region);
            }
        }

        reporter.Info(confirmedByEc2
            ? $"dry run: EC2 would {action.Verb} {Count(targets.Count)} ({string.Join(", ", targets.Select(t => t.Id))}); nothing was {action.Past}"
            : $"dry run: EC2 raised no objection to {action.Gerund} {Count(targets.Count)}; nothing was {action.Past}");
        return ExitCodes.Success;
    }

    /// <summary>The instances as a small table; names are tag values, anyone's text, so they are cleaned.</summary>
    private string[] Table(List<Target> targets)
    {
        IReadOnlyList<string> header = Multi ? ["INSTANCE ID", "REGION", "NAME", "STATE", "TYPE"] : ["INSTANCE ID", "NAME", "STATE", "TYPE"];
        var rows = targets.Select(t => (IReadOnlyList<string>)(Multi
            ? [t.Id, t.Region.Region ?? "-", Printable.Cell(t.Row.Name), t.Row.State, Printable.Cell(t.Row.InstanceType)]
            : [t.Id, Printable.Cell(t.Row.Name), t.Row.State, Printable.Cell(t.Row.InstanceType)]));
        return TextTable.Render([header, .. rows]).TrimEnd('\n').Split('\n');
    }

    private void ShowOnStderr(List<Target> targets)
    {
        foreach (var line in Table(targets))
        {
            reporter.Info("  " + line);
        }
    }

    private async Task ConfirmAsync(List<Target> targets, bool confirmed)
    {
        if (confirmed)
        {
            reporter.Info($"{action.Gerund} {Count(targets.Count)}:");
            ShowOnStderr(targets);
            return;
        }

        foreach (var line in Table(targets))
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

    private async Task<List<Outcome>> ActAsync(RegionalClient region, List<Target> targets)
    {
        try
        {
            return await ActOnBatchAsync(region, targets).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (targets.Count > 1 && action.PerInstanceErrors.Contains(e.ErrorCode))
        {
            reporter.Detail($"EC2 refused the batch ({AwsErrors.ErrorCode(e)}); trying one instance at a time");
        }

        var outcomes = new List<Outcome>();
        foreach (var target in targets)
        {
            outcomes.AddRange(await ActOnBatchAsync(region, [target]).ConfigureAwait(false));
        }

        return outcomes;
    }

    private async Task<List<Outcome>> ActOnBatchAsync(RegionalClient region, List<Target> targets)
    {
        List<InstanceStateChange>? response;
        try
        {
            response = await AwsCall.RunAsync(region.Target, token => action.CallAsync(region.Client, [.. targets.Select(t => t.Id)], false, token), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (action.PerInstanceErrors.Contains(e.ErrorCode))
        {
            if (targets.Count > 1)
            {
                throw;
            }

            return [new Outcome(targets[0].Id, region.Region, null, null, action.Reason(e.ErrorCode, e.Message, targets[0].Id), e.ErrorCode)];
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Ec2Errors.Map(e);
        }

        if (response is null)
        {
            // No report of states (reboot): the instances stay as they were.
            return [.. targets.Select(t => new Outcome(t.Id, region.Region, t.Row.State, t.Row.State, null, null))];
        }

        // The answer is the endpoint's: a repeated or missing id must not be a crash.
        var changes = new Dictionary<string, InstanceStateChange>(StringComparer.Ordinal);
        foreach (var change in response)
        {
            if (change?.InstanceId is { } id)
            {
                changes.TryAdd(id, change);
            }
        }

        return [.. targets.Select(t => changes.TryGetValue(t.Id, out var change)
            ? new Outcome(t.Id, region.Region, Printable.Cell(change.PreviousState?.Name?.Value), Printable.Cell(change.CurrentState?.Name?.Value), null, null)
            : new Outcome(t.Id, region.Region, null, null, "EC2 did not report on this instance", null))];
    }

    /// <summary>Checks right away, then every poll interval, and never waits past the timeout.</summary>
    private async Task WaitAsync(List<Target> pending, string state, TimeSpan timeout)
    {
        var started = clock.GetUtcNow();
        var total = pending.Count;
        while (true)
        {
            var now = new List<Target>();
            foreach (var group in pending.GroupBy(t => t.Region))
            {
                var states = await DescribeAsync(group.Key, [.. group.Select(t => t.Id)]).ConfigureAwait(false);
                now.AddRange(group.Where(t => states.TryGetValue(t.Id, out var row) && row.State != state));
            }

            pending = now;
            var waited = clock.GetUtcNow() - started;
            reporter.Info($"waiting: {total - pending.Count}/{total} {state} ({DurationParser.Humanize(waited)})");
            if (pending.Count == 0)
            {
                return;
            }

            var left = timeout - waited;
            if (left <= TimeSpan.Zero)
            {
                throw new AwsmfaException(
                    ExitCodes.AwsError,
                    $"gave up waiting after {DurationParser.Humanize(timeout)}: not yet {state}: {string.Join(", ", pending.Select(t => t.Id))}");
            }

            await Task.Delay(left < pollInterval ? left : pollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Write(List<Outcome> outcomes, ActionFormat format)
    {
        if (format == ActionFormat.Json)
        {
            OutputJson.Write(
                output,
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
            text.Append(Multi ? $" ({outcome.Region})\n" : "\n");
        }

        output.Write(text.ToString());
    }

    private static string Count(int n) => n == 1 ? "1 instance" : $"{n} instances";
}
