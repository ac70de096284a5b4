using System.CommandLine;
using System.Globalization;
using Amazon.EC2.Model;
using Awsmfa.Aws;
using Awsmfa.Ec2;
using Awsmfa.Output;

namespace Awsmfa.Cli.Ec2;

/// <summary><c>awsmfa ec2 list</c>: every page of DescribeInstances, filtered on the server, streamed to stdout.</summary>
internal static class ListInstancesCommand
{
    public const int MaxPageSize = 1000;

    public static Command Create(AppServices services)
    {
        var pipeline = new PipelineOptionSet(services.Profiles, regionList: true);
        var allRegions = Ec2Regions.AllRegionsOption();
        var state = new Option<string[]>("--state")
        {
            Description = "Only instances in this state (repeatable): " + string.Join(", ", Ec2Rules.States) + ".",
            HelpName = "STATE",
            AllowMultipleArgumentsPerToken = false,
        };
        state.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Ec2Rules.States.Contains(value, StringComparer.Ordinal))
                {
                    result.AddError(Suggestions.NotOneOf("--state", value, Ec2Rules.States));
                }
            }
        });
        state.CompletionSources.Add(Ec2Rules.States);
        var filter = new Option<string[]>("--filter")
        {
            Description = "An EC2 filter in the AWS CLI's syntax, Name=NAME,Values=A,B (repeatable; all must match).",
            HelpName = "Name=NAME,Values=A,B",
        };
        filter.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Ec2Rules.TryParseFilter(value, out _))
                {
                    result.AddError("--filter must be of the form Name=NAME,Values=A,B");
                }
            }
        });
        var tag = new Option<string[]>("--tag")
        {
            Description = "Only instances with this tag: KEY=VALUE, or KEY for any value (repeatable).",
            HelpName = "KEY=VALUE",
        };
        tag.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Ec2Rules.TryParseTag(value, out _))
                {
                    result.AddError($"--tag must be KEY=VALUE or KEY; {Ec2Rules.TagHint}");
                }
            }
        });
        var instanceId = new Option<string[]>("--instance-id")
        {
            Description = "Only this instance (repeatable).",
            HelpName = "ID",
        };
        instanceId.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Ec2Rules.IsInstanceId(value))
                {
                    result.AddError($"--instance-id is not valid: {Ec2Rules.InstanceIdHint}");
                }
            }
        });
        var pageSize = new Option<int>("--page-size")
        {
            Description = $"Instances per DescribeInstances call, 5 to {MaxPageSize}.",
            HelpName = "N",
            DefaultValueFactory = _ => MaxPageSize,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (text.Length > 0 && text.All(char.IsAsciiDigit) && int.TryParse(text, CultureInfo.InvariantCulture, out var size) && size is >= 5 and <= MaxPageSize)
                {
                    return size;
                }

                result.AddError($"--page-size must be a number from 5 to {MaxPageSize}");
                return MaxPageSize;
            },
        };
        var output = CommonOptions.Output(
            "table (aligned columns), text (tab-separated, no header, for awk/cut), json (with all tags), or ids (one id per line, for ec2 terminate -).",
            InstanceOutput.Formats);
        var quiet = CommonOptions.Quiet();

        var command = new Command("list", "List EC2 instances (ID, Name tag, state, type, zone, IPs, launch time), filtered on the server.");
        pipeline.AddTo(command);
        pipeline.RefuseRegionWith(command, allRegions);
        foreach (var option in new Option[] { allRegions, state, filter, tag, instanceId, pageSize, output, quiet })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var run = new CommandRun(parseResult, quiet);
            var request = new DescribeInstancesRequest { Filters = [] };
            if (parseResult.GetValue(state) is { Length: > 0 } states)
            {
                request.Filters.Add(new Filter { Name = "instance-state-name", Values = states.Distinct().ToList() });
            }

            foreach (var text in parseResult.GetValue(filter) ?? [])
            {
                if (Ec2Rules.TryParseFilter(text, out var parsed))
                {
                    request.Filters.Add(parsed!);
                }
            }

            foreach (var text in parseResult.GetValue(tag) ?? [])
            {
                if (Ec2Rules.TryParseTag(text, out var parsed))
                {
                    request.Filters.Add(parsed!);
                }
            }

            if (parseResult.GetValue(instanceId) is { Length: > 0 } ids)
            {
                request.InstanceIds = ids.Distinct().ToList();
            }
            else
            {
                // EC2 refuses MaxResults together with InstanceIds.
                request.MaxResults = parseResult.GetValue(pageSize);
            }

            var all = parseResult.GetValue(allRegions);
            var credentials = services.CreatePipeline(run.Reporter);
            var session = credentials.Resolve(pipeline.Read(parseResult), requireRegion: !all);
            var served = await credentials.GetAsync(session, cancellationToken).ConfigureAwait(false);
            var regions = await Ec2Regions.ClientsAsync(services, session, served, pipeline.ReadRegions(parseResult), all, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ListAsync(regions, request, parseResult.GetValue(output), run, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var region in regions)
                {
                    region.Dispose();
                }
            }
        });
        return command;
    }

    /// <summary>
    /// Every region at once (at most <see cref="Ec2Regions.Concurrency"/>), written in region order:
    /// a region's rows as soon as it and the regions before it are done; one region streams its
    /// pages as they arrive. A region that fails is one warning, and exit 1 once the others are out.
    /// </summary>
    private static async Task<int> ListAsync(List<RegionalClient> regions, DescribeInstancesRequest template, InstanceFormat format, CommandRun run, CancellationToken cancellationToken)
    {
        var multi = regions.Count > 1;
        var writer = InstanceOutput.Create(format, run.Output, withRegion: multi);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var holding = new HashSet<string>(StringComparer.Ordinal);
        void Emit(InstanceRow row)
        {
            writer.Write(row);
            counts[row.State] = counts.GetValueOrDefault(row.State) + 1;
        }

        if (!multi)
        {
            await Paging.EachPageAsync(regions[0], Copy(template), async rows =>
            {
                foreach (var row in rows)
                {
                    Emit(row);
                }

                await run.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }, regionInErrors: false, cancellationToken).ConfigureAwait(false);
            writer.Complete();
            run.Reporter.Info(Summary(counts));
            return ExitCodes.Success;
        }

        using var gate = new SemaphoreSlim(Ec2Regions.Concurrency);
        var tasks = regions.Select(async region =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var rows = new List<InstanceRow>();
                // The region is named in the warning that reports a failure.
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
            finally
            {
                gate.Release();
            }
        }).ToList();

        var failed = 0;
        var worst = ExitCodes.Success;
        for (var i = 0; i < regions.Count; i++)
        {
            var (rows, error) = await tasks[i].ConfigureAwait(false);
            if (error is not null)
            {
                failed++;
                worst = worst == ExitCodes.Success ? ExitCodes.AwsError : worst;
                run.Reporter.Warn($"{regions[i].Region}: {error.Message}");
                continue;
            }

            foreach (var row in rows)
            {
                Emit(row);
                holding.Add(regions[i].Region!);
            }

            await run.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        writer.Complete();
        run.Reporter.Info(Summary(counts, $" in {holding.Count} {(holding.Count == 1 ? "region" : "regions")} ({regions.Count} asked{(failed > 0 ? $", {failed} failed" : "")})"));
        return worst;
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

    /// <summary><c>5 instances: 3 running, 2 stopped</c>, states in lifecycle order.</summary>
    public static string Summary(IReadOnlyDictionary<string, int> counts, string where = "")
    {
        var total = counts.Values.Sum();
        var noun = total == 1 ? "instance" : "instances";
        if (total == 0)
        {
            return "0 instances" + where;
        }

        var parts = counts
            .OrderBy(c => Array.IndexOf(Ec2Rules.States, c.Key) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => $"{c.Value} {c.Key}");
        return $"{total} {noun}{where}: {string.Join(", ", parts)}";
    }
}
