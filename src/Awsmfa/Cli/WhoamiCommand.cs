using System.CommandLine;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;

namespace Awsmfa.Cli;

internal enum WhoamiFormat
{
    Text,
    Json,
}

/// <summary>What <c>whoami</c> was asked.</summary>
internal sealed record WhoamiOptions(PipelineOptions Pipeline, WhoamiFormat Format);

/// <summary><c>awsmfa whoami</c>: who AWS sees behind the pipeline's credentials.</summary>
internal static class WhoamiCommand
{
    public static Command Create(IProfileStore profiles, WhoamiHandler handler)
    {
        var pipeline = new PipelineOptionDefinitions(profiles);
        var output = CommonOptions.Output("text or json.", ("text", WhoamiFormat.Text), ("json", WhoamiFormat.Json));
        var command = new Command(
            "whoami",
            "Show who AWS sees with the profile's credentials (STS GetCallerIdentity): account, ARN, user id, and where the credentials came from (cached or new, MFA session or role) with their expiry.");
        pipeline.AddTo(command);
        command.Options.Add(output);
        command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(new WhoamiOptions(pipeline.Read(parseResult), parseResult.GetValue(output)), new CommandRun(parseResult), cancellationToken));
        return command;
    }
}

/// <summary>Runs <c>whoami</c>: the pipeline's credentials (cached when possible), then GetCallerIdentity with them.</summary>
internal sealed class WhoamiHandler(Func<Reporter, CredentialPipeline> pipelines, IAwsClientFactory clients, TimeProvider clock)
{
    public async Task<int> RunAsync(WhoamiOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline);
        var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
        using var sts = clients.CreateSts(served.Credentials, request.Target);
        GetCallerIdentityResponse identity;
        try
        {
            identity = await AwsCall.RunAsync(request.Target, sts, token => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StsFailures.ForCallerIdentity(e);
        }

        var source = (served.FromCache ? "cached " : "new ") + (StepTypes.Find(served.Identity.Type) ?? SessionTokenStep.Type).Noun;
        var account = Printable.OneLine(identity?.Account);
        var arn = Printable.OneLine(identity?.Arn);
        var userId = Printable.OneLine(identity?.UserId);
        if (options.Format == WhoamiFormat.Json)
        {
            OutputJson.Write(run.Output, new WhoamiJson(account, arn, userId, source, Timestamps.Format(served.Credentials.Expiration)), OutputJson.Indented.WhoamiJson);
            return ExitCodes.Success;
        }

        var left = DurationParser.Humanize(served.Credentials.Expiration - clock.GetUtcNow());
        var from = $"{source} of profile '{served.Identity.Profile}'";
        run.Output.Write(TextTable.Render(
        [
            ["Account", account],
            ["Arn", arn],
            ["UserId", userId],
            ["Source", from + (served.Identity.MfaSerial is { Length: > 0 } serial ? $" (MFA {serial})" : " (no MFA)")],
            ["Expiration", $"{Timestamps.Format(served.Credentials.Expiration)} ({left} left)"],
        ]));
        return ExitCodes.Success;
    }
}
