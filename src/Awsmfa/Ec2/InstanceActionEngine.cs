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

/// <summary>An instance the action will change: where it is, and how it looked.</summary>
internal sealed record ActionTarget(string Id, RegionalClient Region, InstanceRow Row);

/// <summary>What the action did to one instance: its states before and after, or why not.</summary>
internal sealed record ActionOutcome(string InstanceId, string? Region, string? PreviousState, string? CurrentState, string? Error, string? ErrorCode);

/// <summary>Where the ids are: the targets, those already as asked, and what was not found once.</summary>
internal sealed record ActionLookup(
    IReadOnlyList<ActionTarget> Targets,
    IReadOnlyList<ActionTarget> AlreadyDone,
    IReadOnlyList<string> Missing,
    IReadOnlyList<(string Id, IReadOnlyList<string> Regions)> InSeveralRegions);

/// <summary>
/// What an <see cref="InstanceAction"/> does to instances in one region or several, as results:
/// every id looked up first in every region at once, each region's ids sent to that region in one
/// call (one by one when EC2 refuses the call because of one instance), states polled until the
/// target state. The command shows, confirms, writes and picks the exit code.
/// </summary>
internal sealed class InstanceActionEngine(
    InstanceAction action,
    RegionalClients regions,
    TimeProvider clock,
    TimeSpan pollInterval,
    Reporter reporter,
    CancellationToken cancellationToken)
{
    private const int DescribeChunk = 200;

    /// <summary>Where each id is: looked up in every region at once.</summary>
    public async Task<ActionLookup> LookUpAsync(List<string> ids)
    {
        var perRegion = await Task.WhenAll(regions.Start(async region => (region, rows: await DescribeAsync(region, ids).ConfigureAwait(false)), cancellationToken)).ConfigureAwait(false);
        var found = new Dictionary<string, List<ActionTarget>>(StringComparer.Ordinal);
        foreach (var (region, rows) in perRegion)
        {
            foreach (var row in rows.Values)
            {
                if (!found.TryGetValue(row.InstanceId, out var places))
                {
                    found[row.InstanceId] = places = [];
                }

                places.Add(new ActionTarget(row.InstanceId, region, row));
            }
        }

        var here = ids.Where(found.ContainsKey).Select(id => found[id][0]).ToList();
        return new ActionLookup(
            [.. here.Where(t => !action.AlreadyDone.Contains(t.Row.State))],
            [.. here.Where(t => action.AlreadyDone.Contains(t.Row.State))],
            [.. ids.Where(id => !found.ContainsKey(id))],
            [.. ids.Where(id => found.TryGetValue(id, out var places) && places.Count > 1).Select(id => (id, (IReadOnlyList<string>)[.. found[id].Select(t => t.Region.Region ?? "-")]))]);
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

    /// <summary>Asks EC2 whether the action would be allowed (DryRun); false when the endpoint ignored DryRun.</summary>
    public async Task<bool> DryRunAsync(IReadOnlyList<ActionTarget> targets)
    {
        var confirmedByEc2 = true;
        foreach (var group in targets.GroupBy(t => t.Region))
        {
            try
            {
                await AwsCall.RunAsync(group.Key.Target, group.Key.Client, token => action.CallAsync(group.Key.Client, [.. group.Select(t => t.Id)], true, token), cancellationToken).ConfigureAwait(false);
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

        return confirmedByEc2;
    }

    /// <summary>The action on every target, a region's ids in one call; the outcomes in the order of the targets.</summary>
    public async Task<List<ActionOutcome>> ApplyAsync(IReadOnlyList<ActionTarget> targets)
    {
        var outcomes = new List<ActionOutcome>();
        foreach (var group in targets.GroupBy(t => t.Region))
        {
            outcomes.AddRange(await ActAsync(group.Key, [.. group]).ConfigureAwait(false));
        }

        var order = targets.Select(t => t.Id).ToList();
        return [.. outcomes.OrderBy(o => order.IndexOf(o.InstanceId))];
    }

    private async Task<List<ActionOutcome>> ActAsync(RegionalClient region, List<ActionTarget> targets)
    {
        try
        {
            return await ActOnBatchAsync(region, targets).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (targets.Count > 1 && action.PerInstanceErrors.Contains(e.ErrorCode))
        {
            reporter.Detail($"EC2 refused the batch ({AwsErrors.ErrorCode(e)}); trying one instance at a time");
        }

        var outcomes = new List<ActionOutcome>();
        foreach (var target in targets)
        {
            outcomes.AddRange(await ActOnBatchAsync(region, [target]).ConfigureAwait(false));
        }

        return outcomes;
    }

    private async Task<List<ActionOutcome>> ActOnBatchAsync(RegionalClient region, List<ActionTarget> targets)
    {
        List<InstanceStateChange>? response;
        try
        {
            response = await AwsCall.RunAsync(region.Target, region.Client, token => action.CallAsync(region.Client, [.. targets.Select(t => t.Id)], false, token), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (action.PerInstanceErrors.Contains(e.ErrorCode))
        {
            if (targets.Count > 1)
            {
                throw;
            }

            return [new ActionOutcome(targets[0].Id, region.Region, null, null, action.Reason(e.ErrorCode, e.Message, targets[0].Id), e.ErrorCode)];
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Ec2Errors.Map(e);
        }

        if (response is null)
        {
            // No report of states (reboot): the instances stay as they were.
            return [.. targets.Select(t => new ActionOutcome(t.Id, region.Region, t.Row.State, t.Row.State, null, null))];
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
            ? new ActionOutcome(t.Id, region.Region, Printable.Cell(change.PreviousState?.Name?.Value), Printable.Cell(change.CurrentState?.Name?.Value), null, null)
            : new ActionOutcome(t.Id, region.Region, null, null, "EC2 did not report on this instance", null))];
    }

    /// <summary>
    /// Checks right away, then every poll interval, and never waits past the timeout; reports
    /// (done, total, waited) after each check. Returns what is not yet in <paramref name="state"/>.
    /// </summary>
    public async Task<IReadOnlyList<ActionTarget>> WaitAsync(IReadOnlyList<ActionTarget> pending, string state, TimeSpan timeout, Action<int, int, TimeSpan> progress)
    {
        var started = clock.GetUtcNow();
        var total = pending.Count;
        while (true)
        {
            var now = new List<ActionTarget>();
            foreach (var group in pending.GroupBy(t => t.Region))
            {
                var states = await DescribeAsync(group.Key, [.. group.Select(t => t.Id)]).ConfigureAwait(false);
                now.AddRange(group.Where(t => states.TryGetValue(t.Id, out var row) && row.State != state));
            }

            pending = now;
            var waited = clock.GetUtcNow() - started;
            progress(total - pending.Count, total, waited);
            var left = timeout - waited;
            if (pending.Count == 0 || left <= TimeSpan.Zero)
            {
                return pending;
            }

            await Task.Delay(left < pollInterval ? left : pollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
