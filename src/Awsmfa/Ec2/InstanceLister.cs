using Amazon.EC2.Model;

namespace Awsmfa.Ec2;

/// <summary>What a listing found: the count per state, and which regions held instances or failed.</summary>
internal sealed record ListOutcome(IReadOnlyDictionary<string, int> Counts, int RegionsHolding, int RegionsAsked, IReadOnlyList<(string Region, AwsmfaException Error)> Failures)
{
    /// <summary><c>5 instances: 3 running, 2 stopped</c>, states in lifecycle order; over several regions, where they were.</summary>
    public string Summary(bool multi)
    {
        var where = multi
            ? $" in {RegionsHolding} {(RegionsHolding == 1 ? "region" : "regions")} ({RegionsAsked} asked{(Failures.Count > 0 ? $", {Failures.Count} failed" : "")})"
            : "";
        var total = Counts.Values.Sum();
        if (total == 0)
        {
            return "0 instances" + where;
        }

        var parts = Counts
            .OrderBy(c => Array.IndexOf(Ec2Rules.States, c.Key) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => $"{c.Value} {c.Key}");
        return $"{total} {(total == 1 ? "instance" : "instances")}{where}: {string.Join(", ", parts)}";
    }
}

/// <summary>
/// Every page of DescribeInstances, filtered on the server, in one region or all of them at once:
/// rows go to <c>emit</c> in region order, a region's as soon as it and the regions before it
/// are done (one region streams its pages as they arrive). A region that fails is reported in
/// the outcome, and the others are still listed.
/// </summary>
internal static class InstanceLister
{
    public static async Task<ListOutcome> ListAsync(
        RegionalClients regions, DescribeInstancesRequest template, Func<IReadOnlyList<InstanceRow>, Task> emit, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var holding = new HashSet<string>(StringComparer.Ordinal);
        async Task EmitAsync(IReadOnlyList<InstanceRow> rows, string? region)
        {
            foreach (var row in rows)
            {
                counts[row.State] = counts.GetValueOrDefault(row.State) + 1;
                if (region is not null)
                {
                    holding.Add(region);
                }
            }

            await emit(rows).ConfigureAwait(false);
        }

        if (!regions.Multi)
        {
            await Paging.EachPageAsync(regions[0], Copy(template), rows => EmitAsync(rows, null), regionInErrors: false, cancellationToken).ConfigureAwait(false);
            return new ListOutcome(counts, 1, 1, []);
        }

        var tasks = regions.Start(async region =>
        {
            try
            {
                var rows = new List<InstanceRow>();
                // The region is named where the failure is reported.
                await Paging.EachPageAsync(region, Copy(template, multi: true), page =>
                {
                    rows.AddRange(page);
                    return Task.CompletedTask;
                }, regionInErrors: false, cancellationToken).ConfigureAwait(false);
                return (Rows: rows, Error: (AwsmfaException?)null);
            }
            catch (AwsmfaException e)
            {
                return (Rows: new List<InstanceRow>(), Error: e);
            }
        }, cancellationToken);

        var failures = new List<(string, AwsmfaException)>();
        for (var i = 0; i < regions.Count; i++)
        {
            var (rows, error) = await tasks[i].ConfigureAwait(false);
            if (error is not null)
            {
                failures.Add((regions[i].Region!, error));
                continue;
            }

            await EmitAsync(rows, regions[i].Region).ConfigureAwait(false);
        }

        return new ListOutcome(counts, holding.Count, regions.Count, failures);
    }

    /// <summary>
    /// Each region pages with a request of its own. Over several regions, named ids become an
    /// instance-id filter: a region that lacks them then answers nothing rather than
    /// InvalidInstanceID.NotFound.
    /// </summary>
    private static DescribeInstancesRequest Copy(DescribeInstancesRequest template, bool multi = false) =>
        multi && template.InstanceIds is { Count: > 0 } named
            ? new DescribeInstancesRequest { Filters = [.. template.Filters ?? [], new Filter { Name = "instance-id", Values = [.. named] }] }
            : new DescribeInstancesRequest
            {
                Filters = [.. template.Filters ?? []],
                InstanceIds = template.InstanceIds is { Count: > 0 } ids ? [.. ids] : null,
                MaxResults = template.MaxResults,
            };
}
