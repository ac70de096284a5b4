using System.CommandLine;
using Awsmfa.Credentials;
using Awsmfa.Ec2;

namespace Awsmfa.Cli.Ec2;

/// <summary>What <c>ec2 terminate | stop | start | reboot</c> were asked, as typed values.</summary>
internal sealed record InstanceActionOptions(
    InstanceAction Action,
    IReadOnlyList<string> Ids,
    PipelineOptions Pipeline,
    IReadOnlyList<string> Regions,
    bool AllRegions,
    bool Yes,
    bool DryRun,
    TimeSpan? WaitTimeout,
    ActionFormat Format);

/// <summary>
/// <c>awsmfa ec2 terminate | stop | start | reboot</c>: the options, validators and help of each
/// verb, read into <see cref="InstanceActionOptions"/>; <see cref="InstanceActionHandler"/> runs them.
/// </summary>
internal sealed class InstanceActionDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Argument<string[]> _ids;
    private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Do not ask for confirmation." };
    private readonly Option<bool> _dryRun;
    private readonly Option<bool> _allRegions = RegionOptions.AllRegions();
    private readonly Option<ActionFormat> _output = CommonOptions.Output("text (one line per instance: ID OLD -> NEW) or json.", ("text", ActionFormat.Text), ("json", ActionFormat.Json));
    private readonly Option<bool> _wait;
    private readonly Option<TimeSpan?> _timeout;
    private readonly Func<ParseResult, InstanceAction> _action;

    /// <param name="sample">The action as help and the options describe it (its target state decides --wait).</param>
    private InstanceActionDefinition(IProfileStore profiles, string verb, string description, InstanceAction sample, Func<ParseResult, InstanceAction> action, params Option[] extra)
    {
        _action = action;
        _pipeline = new PipelineOptionDefinitions(profiles, regionList: true);
        _ids = new Argument<string[]>("ID")
        {
            Description = $"Instances to {verb}, or - to read ids (whitespace-separated) from stdin.",
            Arity = ArgumentArity.OneOrMore,
        };
        _dryRun = new Option<bool>("--dry-run")
        {
            Description = $"Show the instances and ask EC2 whether the call would be allowed (DryRun); nothing is {sample.Past}.",
        };
        _wait = new Option<bool>("--wait") { Description = $"Wait until every instance is {sample.TargetState}, with progress on stderr." };
        _timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "How long --wait waits: seconds, or 90s, 10m, 1h [default: 10m].",
            HelpName = "DURATION",
            CustomParser = result =>
            {
                if (DurationParser.TryParseSeconds(result.Tokens.Count > 0 ? result.Tokens[0].Value : null, out var seconds) && seconds > 0)
                {
                    return TimeSpan.FromSeconds(seconds);
                }

                result.AddError("--timeout must be a positive duration such as 600, 90s, 10m or 1h");
                return null;
            },
        };

        Command = new Command(verb, description);
        Command.Arguments.Add(_ids);
        _pipeline.AddTo(Command);
        _pipeline.RefuseRegionWith(Command, _allRegions);
        List<Option> options = [_allRegions, _yes, _dryRun];
        if (sample.TargetState is not null)
        {
            // Reboot reports no state to wait for.
            options.AddRange([_wait, _timeout]);
        }

        options.AddRange([.. extra, _output, Quiet]);
        foreach (var option in options)
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    public Option<bool> Quiet { get; } = CommonOptions.Quiet();

    public static InstanceActionDefinition Terminate(IProfileStore profiles) => new(
        profiles, "terminate", "Terminate EC2 instances after showing them and asking for confirmation.", InstanceAction.Terminate, _ => InstanceAction.Terminate);

    public static InstanceActionDefinition Start(IProfileStore profiles) => new(
        profiles, "start", "Start stopped EC2 instances after showing them and asking for confirmation (running costs money).", InstanceAction.Start, _ => InstanceAction.Start);

    public static InstanceActionDefinition Reboot(IProfileStore profiles) => new(
        profiles, "reboot", "Reboot running EC2 instances after showing them and asking for confirmation.", InstanceAction.Reboot, _ => InstanceAction.Reboot);

    public static InstanceActionDefinition Stop(IProfileStore profiles)
    {
        var force = new Option<bool>("--force") { Description = "Stop without letting the operating system shut down cleanly (as pulling the plug)." };
        var hibernate = new Option<bool>("--hibernate") { Description = "Hibernate instead of stopping (the instance must be enabled for hibernation)." };
        return new(
            profiles,
            "stop",
            "Stop EC2 instances after showing them and asking for confirmation.",
            InstanceAction.Stop(force: false, hibernate: false),
            parseResult => InstanceAction.Stop(parseResult.GetValue(force), parseResult.GetValue(hibernate)),
            force,
            hibernate);
    }

    public InstanceActionOptions Read(ParseResult parseResult)
    {
        var action = _action(parseResult);
        return new InstanceActionOptions(
            action,
            parseResult.GetValue(_ids) ?? [],
            _pipeline.Read(parseResult),
            _pipeline.ReadRegions(parseResult),
            parseResult.GetValue(_allRegions),
            parseResult.GetValue(_yes),
            parseResult.GetValue(_dryRun),
            action.TargetState is not null && parseResult.GetValue(_wait) ? parseResult.GetValue(_timeout) ?? TimeSpan.FromMinutes(10) : null,
            parseResult.GetValue(_output));
    }

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(InstanceActionHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult, Quiet), cancellationToken));
        return Command;
    }
}
