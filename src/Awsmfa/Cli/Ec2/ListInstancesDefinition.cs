using System.CommandLine;
using System.Globalization;
using Amazon.EC2.Model;
using Awsmfa.Credentials;
using Awsmfa.Ec2;
using Awsmfa.Output;

namespace Awsmfa.Cli.Ec2;

/// <summary>What <c>ec2 list</c> was asked: the DescribeInstances request (filters on the server) and where.</summary>
internal sealed record ListInstancesOptions(
    DescribeInstancesRequest Request, PipelineOptions Pipeline, IReadOnlyList<string> Regions, bool AllRegions, InstanceFormat Format);

/// <summary><c>awsmfa ec2 list</c>: its options, validators and help, read into <see cref="ListInstancesOptions"/>.</summary>
internal sealed class ListInstancesDefinition
{
    public const int MaxPageSize = 1000;

    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<bool> _allRegions = RegionOptions.AllRegions();
    private readonly Option<string[]> _state;
    private readonly Option<string[]> _filter;
    private readonly Option<string[]> _tag;
    private readonly Option<string[]> _instanceId;
    private readonly Option<int> _pageSize;
    private readonly Option<InstanceFormat> _output;

    public ListInstancesDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles, regionList: true);
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
        (_state, _filter, _tag, _instanceId, _pageSize, _output) = (state, filter, tag, instanceId, pageSize, output);

        Command = new Command("list", "List EC2 instances (ID, Name tag, state, type, zone, IPs, launch time), filtered on the server.");
        _pipeline.AddTo(Command);
        _pipeline.RefuseRegionWith(Command, _allRegions);
        foreach (var option in new Option[] { _allRegions, state, filter, tag, instanceId, pageSize, output, Quiet })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    public Option<bool> Quiet { get; } = CommonOptions.Quiet();

    public ListInstancesOptions Read(ParseResult parseResult)
    {
        var request = new DescribeInstancesRequest { Filters = [] };
        if (parseResult.GetValue(_state) is { Length: > 0 } states)
        {
            request.Filters.Add(new Filter { Name = "instance-state-name", Values = states.Distinct().ToList() });
        }

        foreach (var text in parseResult.GetValue(_filter) ?? [])
        {
            if (Ec2Rules.TryParseFilter(text, out var parsed))
            {
                request.Filters.Add(parsed!);
            }
        }

        foreach (var text in parseResult.GetValue(_tag) ?? [])
        {
            if (Ec2Rules.TryParseTag(text, out var parsed))
            {
                request.Filters.Add(parsed!);
            }
        }

        if (parseResult.GetValue(_instanceId) is { Length: > 0 } ids)
        {
            request.InstanceIds = ids.Distinct().ToList();
        }
        else
        {
            // EC2 refuses MaxResults together with InstanceIds.
            request.MaxResults = parseResult.GetValue(_pageSize);
        }

        return new ListInstancesOptions(request, _pipeline.Read(parseResult), _pipeline.ReadRegions(parseResult), parseResult.GetValue(_allRegions), parseResult.GetValue(_output));
    }

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(ListInstancesHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult, Quiet), cancellationToken));
        return Command;
    }
}
