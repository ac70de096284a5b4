using System.CommandLine;
using Awsmfa.Credentials;
using Awsmfa.Ec2;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Ec2;

/// <summary>
/// <c>awsmfa ec2 terminate | stop | start | reboot</c>: one definition of the options, one engine
/// (<see cref="InstanceActionEngine"/>) for what they do.
/// </summary>
internal static class InstanceActionCommand
{
    public static Command Terminate(AppServices services) => Create(
        services, "terminate", "Terminate EC2 instances after showing them and asking for confirmation.", InstanceAction.Terminate, _ => InstanceAction.Terminate);

    public static Command Start(AppServices services) => Create(
        services, "start", "Start stopped EC2 instances after showing them and asking for confirmation (running costs money).", InstanceAction.Start, _ => InstanceAction.Start);

    public static Command Reboot(AppServices services) => Create(
        services, "reboot", "Reboot running EC2 instances after showing them and asking for confirmation.", InstanceAction.Reboot, _ => InstanceAction.Reboot);

    public static Command Stop(AppServices services)
    {
        var force = new Option<bool>("--force") { Description = "Stop without letting the operating system shut down cleanly (as pulling the plug)." };
        var hibernate = new Option<bool>("--hibernate") { Description = "Hibernate instead of stopping (the instance must be enabled for hibernation)." };
        return Create(
            services,
            "stop",
            "Stop EC2 instances after showing them and asking for confirmation.",
            InstanceAction.Stop(force: false, hibernate: false),
            parseResult => InstanceAction.Stop(parseResult.GetValue(force), parseResult.GetValue(hibernate)),
            force,
            hibernate);
    }

    /// <param name="sample">The action as help and the options describe it (its target state decides --wait).</param>
    private static Command Create(AppServices services, string verb, string description, InstanceAction sample, Func<ParseResult, InstanceAction> action, params Option[] extra)
    {
        var pipeline = new PipelineOptionSet(services.Profiles, regionList: true);
        var ids = new Argument<string[]>("ID")
        {
            Description = $"Instances to {verb}, or - to read ids (whitespace-separated) from stdin.",
            Arity = ArgumentArity.OneOrMore,
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = $"Show the instances and ask EC2 whether the call would be allowed (DryRun); nothing is {sample.Past}.",
        };
        var allRegions = Ec2Regions.AllRegionsOption();
        var output = CommonOptions.Output("text (one line per instance: ID OLD -> NEW) or json.", ("text", ActionFormat.Text), ("json", ActionFormat.Json));
        var quiet = CommonOptions.Quiet();
        var command = new Command(verb, description);
        command.Arguments.Add(ids);
        pipeline.AddTo(command);
        pipeline.RefuseRegionWith(command, allRegions);
        var options = new List<Option> { allRegions, yes, dryRun };
        Option<bool>? wait = null;
        Option<TimeSpan?>? timeout = null;
        if (sample.TargetState is { } state)
        {
            wait = new Option<bool>("--wait") { Description = $"Wait until every instance is {state}, with progress on stderr." };
            timeout = new Option<TimeSpan?>("--timeout")
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
            options.AddRange([wait, timeout]);
        }

        options.AddRange([.. extra, output, quiet]);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var run = new CommandRun(parseResult, quiet);
            var chosen = action(parseResult);
            var pipelineOptions = pipeline.Read(parseResult);
            var targets = await ReadIdsAsync(parseResult.GetValue(ids)!, pipelineOptions, services.StandardInput, chosen, cancellationToken).ConfigureAwait(false);
            var confirmed = parseResult.GetValue(yes);
            var isDryRun = parseResult.GetValue(dryRun);
            if (!confirmed && !isDryRun && !services.Terminal.IsAvailable)
            {
                throw AwsmfaException.Usage($"refusing to {chosen.Verb} without confirmation: there is no terminal to ask; pass --yes to confirm");
            }

            var all = parseResult.GetValue(allRegions);
            var credentials = services.CreatePipeline(run.Reporter);
            var request = credentials.Resolve(pipelineOptions, requireRegion: !all);
            var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
            var regions = await Ec2Regions.ClientsAsync(services, request, served, pipeline.ReadRegions(parseResult), all, cancellationToken).ConfigureAwait(false);
            try
            {
                var engine = new InstanceActionEngine(chosen, regions, services.Terminal, services.Clock, services.PollInterval, run.Reporter, run.Output, cancellationToken);
                return await engine.RunAsync(
                    targets,
                    confirmed,
                    isDryRun,
                    wait is not null && parseResult.GetValue(wait) ? parseResult.GetValue(timeout!) ?? TimeSpan.FromMinutes(10) : null,
                    parseResult.GetValue(output)).ConfigureAwait(false);
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

    private static async Task<List<string>> ReadIdsAsync(
        string[] arguments, PipelineOptions options, IStandardInput standardInput, InstanceAction action, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var argument in arguments)
        {
            if (argument != "-")
            {
                ids.Add(argument.Trim());
                continue;
            }

            if (options.TokenCode == MfaCodeSource.StdinMarker)
            {
                throw AwsmfaException.Usage("stdin cannot carry both the instance ids (-) and the MFA code (--token-code -)");
            }

            var text = await standardInput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            ids.AddRange(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }

        var invalid = ids.Where(id => !Ec2Rules.IsInstanceId(id)).Distinct().ToList();
        if (invalid.Count > 0)
        {
            var shown = string.Join(", ", invalid.Take(5).Select(id => $"'{Truncate(id)}'")) + (invalid.Count > 5 ? $" and {invalid.Count - 5} more" : "");
            throw AwsmfaException.Usage($"not an instance id: {shown} ({Ec2Rules.InstanceIdHint}); nothing was {action.Past}");
        }

        return ids.Count > 0
            ? ids.Distinct(StringComparer.Ordinal).ToList()
            : throw AwsmfaException.Usage("no instance ids: name them, or pass - and give them on stdin");
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
