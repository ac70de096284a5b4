using System.CommandLine;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Ec2;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Ec2;

/// <summary>
/// <c>awsmfa ec2 terminate</c>: checks every id, shows what will go, asks, then terminates; one
/// protected instance does not save the others, and each failure is reported with its reason.
/// </summary>
internal static class TerminateInstancesCommand
{
    private const string Terminated = "terminated";
    private const int DescribeChunk = 200;

    // EC2 fails a whole TerminateInstances call for one instance with these; retried one by one.
    private static readonly HashSet<string> PerInstanceErrors = new(StringComparer.Ordinal)
    {
        "OperationNotPermitted", "UnauthorizedOperation", "IncorrectInstanceState",
    };

    public static Command Create(AppServices services)
    {
        var pipeline = new PipelineOptionSet(services.Profiles);
        var ids = new Argument<string[]>("ID")
        {
            Description = "Instances to terminate, or - to read ids (whitespace-separated) from stdin.",
            Arity = ArgumentArity.OneOrMore,
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Ask EC2 whether the termination would be allowed (DryRun), and terminate nothing.",
        };
        var wait = new Option<bool>("--wait") { Description = "Wait until every instance is terminated, with progress on stderr." };
        var timeout = new Option<TimeSpan?>("--timeout")
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
        var output = CommonOptions.Output("text (one line per instance: ID OLD -> NEW) or json.", ("text", TerminateFormat.Text), ("json", TerminateFormat.Json));
        var quiet = CommonOptions.Quiet();

        var command = new Command("terminate", "Terminate EC2 instances after showing them and asking for confirmation.");
        command.Arguments.Add(ids);
        pipeline.AddTo(command);
        foreach (var option in new Option[] { yes, dryRun, wait, timeout, output, quiet })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var run = new CommandRun(parseResult, quiet);
            var options = pipeline.Read(parseResult);
            var targets = await ReadIdsAsync(parseResult.GetValue(ids)!, options, services.StandardInput, cancellationToken).ConfigureAwait(false);
            var confirmed = parseResult.GetValue(yes);
            var isDryRun = parseResult.GetValue(dryRun);
            if (!confirmed && !isDryRun && !services.Terminal.IsAvailable)
            {
                throw AwsmfaException.Usage("refusing to terminate without confirmation: there is no terminal to ask; pass --yes to confirm");
            }

            var credentials = services.CreatePipeline(run.Reporter);
            var request = credentials.Resolve(options, requireRegion: true);
            var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
            using var ec2 = services.AwsClients.CreateEc2(served.Credentials, request.Target);
            var termination = new Termination(ec2, request.Target, run, services, cancellationToken);
            return await termination.RunAsync(
                targets,
                confirmed,
                isDryRun,
                parseResult.GetValue(wait) ? parseResult.GetValue(timeout) ?? TimeSpan.FromMinutes(10) : null,
                parseResult.GetValue(output)).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<List<string>> ReadIdsAsync(
        string[] arguments, PipelineOptions options, IStandardInput standardInput, CancellationToken cancellationToken)
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
            throw AwsmfaException.Usage($"not an instance id: {shown} ({Ec2Rules.InstanceIdHint}); nothing was terminated");
        }

        return ids.Count > 0
            ? ids.Distinct(StringComparer.Ordinal).ToList()
            : throw AwsmfaException.Usage("no instance ids: name them, or pass - and give them on stdin");
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private sealed record Outcome(string InstanceId, string? PreviousState, string? CurrentState, string? Error, string? ErrorCode);

    private sealed class Termination(IAmazonEC2 ec2, AwsTarget target, CommandRun run, AppServices services, CancellationToken cancellationToken)
    {
        public async Task<int> RunAsync(List<string> ids, bool confirmed, bool dryRun, TimeSpan? waitTimeout, TerminateFormat format)
        {
            var described = await DescribeAsync(ids).ConfigureAwait(false);
            var missing = ids.Where(id => !described.ContainsKey(id)).ToList();
            if (missing.Count > 0)
            {
                throw new AwsmfaException(ExitCodes.AwsError, $"no such instance: {string.Join(", ", missing)}; nothing was terminated");
            }

            // Already terminated: nothing to do, and left out of the output (said on stderr).
            foreach (var id in ids.Where(id => described[id].State == Terminated))
            {
                run.Reporter.Info($"{id} is already terminated");
            }

            var outcomes = new List<Outcome>();
            var targets = ids.Where(id => described[id].State != Terminated).ToList();
            if (targets.Count > 0)
            {
                var rows = targets.Select(id => described[id]).ToList();
                if (dryRun)
                {
                    ShowOnStderr(rows);
                    return await DryRunAsync(targets).ConfigureAwait(false);
                }

                await ConfirmAsync(rows, confirmed).ConfigureAwait(false);
                outcomes.AddRange(await TerminateAsync(targets).ConfigureAwait(false));
            }

            outcomes = outcomes.OrderBy(o => ids.IndexOf(o.InstanceId)).ToList();
            Write(outcomes, format);
            var failed = outcomes.Where(o => o.Error is not null).ToList();
            foreach (var failure in failed)
            {
                run.Reporter.Warn($"{failure.InstanceId} was not terminated: {failure.Error}");
            }

            if (waitTimeout is { } timeout)
            {
                await WaitAsync(outcomes.Where(o => o.Error is null && o.CurrentState != Terminated).Select(o => o.InstanceId).ToList(), timeout).ConfigureAwait(false);
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

        private async Task<Dictionary<string, InstanceRow>> DescribeAsync(List<string> ids)
        {
            // Filtering by instance-id (rather than naming InstanceIds) lists what exists and
            // leaves out what does not, so every missing id can be named at once.
            var found = new Dictionary<string, InstanceRow>(StringComparer.Ordinal);
            foreach (var chunk in ids.Chunk(DescribeChunk))
            {
                var request = new DescribeInstancesRequest { Filters = [new Filter { Name = "instance-id", Values = [.. chunk] }] };
                var pages = 0;
                do
                {
                    var response = await Call(token => ec2.DescribeInstancesAsync(request, token)).ConfigureAwait(false);
                    foreach (var instance in (response.Reservations ?? []).SelectMany(r => r.Instances ?? []))
                    {
                        var row = InstanceRow.From(instance);
                        found[row.InstanceId] = row;
                    }

                    request.NextToken = Paging.Next(request.NextToken, response.NextToken, ++pages);
                }
                while (request.NextToken is not null);
            }

            return found;
        }

        private async Task<int> DryRunAsync(List<string> targets)
        {
            try
            {
                await AwsCall.RunAsync(target, token => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = targets, DryRun = true }, token), cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonEC2Exception e) when (e.ErrorCode == "DryRunOperation")
            {
                run.Reporter.Info($"dry run: EC2 would terminate {Count(targets.Count)} ({string.Join(", ", targets)}); nothing was terminated");
                return ExitCodes.Success;
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Ec2Errors.Map(e);
            }

            run.Reporter.Info($"dry run: EC2 raised no objection to terminating {Count(targets.Count)}; nothing was terminated");
            return ExitCodes.Success;
        }

        /// <summary>The instances as a small table; names are tag values, anyone's text, so they are cleaned.</summary>
        private static string[] Table(List<InstanceRow> rows) =>
            TextTable.Render(
                [["INSTANCE ID", "NAME", "STATE", "TYPE"], .. rows.Select(r => (IReadOnlyList<string>)[r.InstanceId, Printable.Cell(r.Name), r.State, Printable.Cell(r.InstanceType)])])
            .TrimEnd('\n').Split('\n');

        private void ShowOnStderr(List<InstanceRow> rows)
        {
            foreach (var line in Table(rows))
            {
                run.Reporter.Info("  " + line);
            }
        }

        private async Task ConfirmAsync(List<InstanceRow> rows, bool confirmed)
        {
            if (confirmed)
            {
                run.Reporter.Info($"terminating {Count(rows.Count)}:");
                ShowOnStderr(rows);
                return;
            }

            foreach (var line in Table(rows))
            {
                services.Terminal.WriteLine("  " + line);
            }

            var answer = await services.Terminal.PromptAsync($"Terminate {rows.Count} instance(s)? [y/N] ", cancellationToken).ConfigureAwait(false);
            if (answer?.Trim().ToUpperInvariant() is not ("Y" or "YES"))
            {
                throw new AwsmfaException(ExitCodes.AwsError, "not confirmed; nothing was terminated");
            }
        }

        private async Task<List<Outcome>> TerminateAsync(List<string> targets)
        {
            try
            {
                return await TerminateBatchAsync(targets).ConfigureAwait(false);
            }
            catch (AmazonEC2Exception e) when (targets.Count > 1 && PerInstanceErrors.Contains(e.ErrorCode))
            {
                run.Reporter.Detail($"EC2 refused the batch ({e.ErrorCode}); terminating one instance at a time");
            }

            var outcomes = new List<Outcome>();
            foreach (var id in targets)
            {
                try
                {
                    outcomes.AddRange(await TerminateBatchAsync([id]).ConfigureAwait(false));
                }
                catch (AmazonEC2Exception e) when (PerInstanceErrors.Contains(e.ErrorCode))
                {
                    outcomes.Add(new Outcome(id, null, null, Reason(e, id), e.ErrorCode));
                }
            }

            return outcomes;
        }

        private async Task<List<Outcome>> TerminateBatchAsync(List<string> targets)
        {
            TerminateInstancesResponse response;
            try
            {
                response = await AwsCall.RunAsync(target, token => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = targets }, token), cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonEC2Exception e) when (PerInstanceErrors.Contains(e.ErrorCode))
            {
                if (targets.Count > 1)
                {
                    throw;
                }

                return [new Outcome(targets[0], null, null, Reason(e, targets[0]), e.ErrorCode)];
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Ec2Errors.Map(e);
            }

            // The answer is the endpoint's: a repeated or missing id must not be a crash.
            var changes = new Dictionary<string, InstanceStateChange>(StringComparer.Ordinal);
            foreach (var change in response.TerminatingInstances ?? [])
            {
                if (change?.InstanceId is { } id)
                {
                    changes.TryAdd(id, change);
                }
            }

            return targets.Select(id => changes.TryGetValue(id, out var change)
                    ? new Outcome(id, change.PreviousState?.Name?.Value, change.CurrentState?.Name?.Value, null, null)
                    : new Outcome(id, null, null, "EC2 did not report on this instance", null))
                .ToList();
        }

        /// <summary>Checks right away, then every poll interval, and never waits past the timeout.</summary>
        private async Task WaitAsync(List<string> pending, TimeSpan timeout)
        {
            var clock = services.Clock;
            var started = clock.GetUtcNow();
            var total = pending.Count;
            while (true)
            {
                var states = await DescribeAsync(pending).ConfigureAwait(false);
                pending = pending.Where(id => states.TryGetValue(id, out var row) && row.State != Terminated).ToList();
                var waited = clock.GetUtcNow() - started;
                run.Reporter.Info($"waiting: {total - pending.Count}/{total} terminated ({DurationParser.Humanize(waited)})");
                if (pending.Count == 0)
                {
                    return;
                }

                var left = timeout - waited;
                if (left <= TimeSpan.Zero)
                {
                    throw new AwsmfaException(
                        ExitCodes.AwsError,
                        $"gave up waiting after {DurationParser.Humanize(timeout)}: not yet terminated: {string.Join(", ", pending)}");
                }

                await Task.Delay(left < services.PollInterval ? left : services.PollInterval, clock, cancellationToken).ConfigureAwait(false);
            }
        }

        private void Write(List<Outcome> outcomes, TerminateFormat format)
        {
            if (format == TerminateFormat.Json)
            {
                OutputJson.Write(
                    run.Output,
                    outcomes.Select(o => new InstanceChangeJson(o.InstanceId, o.PreviousState, o.CurrentState, o.Error)).ToList(),
                    OutputJson.Indented.ListInstanceChangeJson);
                return;
            }

            var text = new StringBuilder();
            foreach (var outcome in outcomes.Where(o => o.Error is null))
            {
                text.Append($"{outcome.InstanceId} {Printable.Cell(outcome.PreviousState)} -> {Printable.Cell(outcome.CurrentState)}\n");
            }

            run.Output.Write(text.ToString());
        }

        private async Task<T> Call<T>(Func<CancellationToken, Task<T>> call)
        {
            try
            {
                return await AwsCall.RunAsync(target, call, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Ec2Errors.Map(e);
            }
        }

        private static string Reason(AmazonEC2Exception e, string id) => e.ErrorCode switch
        {
            "OperationNotPermitted" => $"termination protection is on (OperationNotPermitted); turn it off with: aws ec2 modify-instance-attribute --no-disable-api-termination --instance-id {id}",
            "UnauthorizedOperation" => $"not authorized (UnauthorizedOperation); {Ec2Errors.MfaPolicyHint}",
            _ => $"{AwsErrors.ErrorCode(e)}: {AwsErrors.OneLine(e.Message)}",
        };

        private static string Count(int n) => n == 1 ? "1 instance" : $"{n} instances";
    }
}

internal enum TerminateFormat
{
    Text,
    Json,
}
