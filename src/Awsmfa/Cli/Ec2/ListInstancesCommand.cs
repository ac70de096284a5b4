using System.CommandLine;
using System.Globalization;
using Amazon.EC2.Model;
using Awsmfa.Aws;
using Awsmfa.Ec2;

namespace Awsmfa.Cli.Ec2;

/// <summary><c>awsmfa ec2 list</c>: every page of DescribeInstances, filtered on the server, streamed to stdout.</summary>
internal static class ListInstancesCommand
{
    public const int MaxPageSize = 1000;

    public static Command Create(AppServices services)
    {
        var pipeline = new PipelineOptionSet(services.Profiles);
        var state = new Option<string[]>("--state")
        {
            Description = "Only instances in this state (repeatable): " + string.Join(", ", Ec2Rules.States) + ".",
            HelpName = "STATE",
            AllowMultipleArgumentsPerToken = false,
        };
        state.AcceptOnlyFromAmong(Ec2Rules.States);
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
        foreach (var option in new Option[] { state, filter, tag, instanceId, pageSize, output, quiet })
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

            var credentials = services.CreatePipeline(run.Reporter);
            var session = credentials.Resolve(pipeline.Read(parseResult), requireRegion: true);
            var target = session.Target;
            var served = await credentials.GetAsync(session, cancellationToken).ConfigureAwait(false);
            using var ec2 = services.AwsClients.CreateEc2(served.Credentials, target);
            var writer = InstanceOutput.Create(parseResult.GetValue(output), run.Output);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var pages = 0;
            do
            {
                DescribeInstancesResponse response;
                try
                {
                    response = await AwsCall.RunAsync(target, token => ec2.DescribeInstancesAsync(request, token), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
                {
                    throw Ec2Errors.Map(e);
                }

                foreach (var instance in (response.Reservations ?? []).SelectMany(r => r.Instances ?? []))
                {
                    var row = InstanceRow.From(instance);
                    writer.Write(row);
                    counts[row.State] = counts.GetValueOrDefault(row.State) + 1;
                }

                await run.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                request.NextToken = Paging.Next(request.NextToken, response.NextToken, ++pages);
            }
            while (request.NextToken is not null);

            writer.Complete();
            run.Reporter.Info(Summary(counts));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>5 instances: 3 running, 2 stopped</c>, states in lifecycle order.</summary>
    public static string Summary(IReadOnlyDictionary<string, int> counts)
    {
        var total = counts.Values.Sum();
        var noun = total == 1 ? "instance" : "instances";
        if (total == 0)
        {
            return "0 instances";
        }

        var parts = counts
            .OrderBy(c => Array.IndexOf(Ec2Rules.States, c.Key) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => $"{c.Value} {c.Key}");
        return $"{total} {noun}: {string.Join(", ", parts)}";
    }
}
