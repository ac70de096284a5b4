using Amazon.SecurityToken.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;
using Amazon.SecurityToken;

namespace Awsmfa.Cli.Whoami;

/// <summary>
/// Runs <c>whoami</c>: the credentials the AWS CLI in the same shell would use. Keys in the
/// environment (an earlier <c>eval "$(awsmfa session get)"</c>) win when no --profile is given,
/// as they do for every SDK; otherwise the pipeline's (cached when possible). Then
/// GetCallerIdentity with them.
/// </summary>
internal sealed class WhoamiHandler(Func<Reporter, CredentialPipeline> pipelines, IAwsClientFactory clients, IEnvironment environment, TimeProvider clock)
{
    public async Task<int> RunAsync(WhoamiOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var credentials = pipelines(run.Reporter);
        // The environment's keys answer only a plain whoami: --role-arn, a device, a code, a
        // duration or a cache option ask for the pipeline's credentials.
        var plain = options.Pipeline is { Profile: null, RoleArn: null, SerialNumber: null, TokenCode: null, DurationSeconds: null, Refresh: false, NoCache: false };
        var fromEnvironment = plain ? EnvironmentKeys() : null;
        ServedCredentials? served = null;
        IAmazonSecurityTokenService sts;
        AwsTarget target;
        if (fromEnvironment is { } keys)
        {
            target = credentials.TargetWithoutProfile(options.Pipeline);
            sts = keys.SessionToken is { Length: > 0 } token
                ? clients.CreateSts(new SessionCredentials(keys.AccessKeyId, keys.SecretAccessKey, token, keys.Expiration ?? DateTimeOffset.MaxValue), target)
                : clients.CreateSts(new LongTermCredentials(keys.AccessKeyId, keys.SecretAccessKey), target);
        }
        else
        {
            var request = credentials.Resolve(options.Pipeline);
            target = request.Target;
            served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
            sts = clients.CreateSts(served.Credentials, target);
        }

        GetCallerIdentityResponse identity;
        using (sts)
        {
            try
            {
                identity = await AwsCall.RunAsync(target, sts, token => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw StsFailures.ForCallerIdentity(e);
            }
        }

        var source = served is null ? "environment" : (served.FromCache ? "cached " : "new ") + (StepTypes.Find(served.Identity.Type) ?? SessionTokenStep.Type).Noun;
        var expiration = served?.Credentials.Expiration ?? fromEnvironment?.Expiration;
        var account = Printable.OneLine(identity?.Account);
        var arn = Printable.OneLine(identity?.Arn);
        var userId = Printable.OneLine(identity?.UserId);
        if (options.Format == WhoamiFormat.Json)
        {
            OutputJson.Write(run.Output, new WhoamiJson(account, arn, userId, source, expiration is { } e ? Timestamps.Format(e) : null), OutputJson.Indented.WhoamiJson);
            return ExitCodes.Success;
        }

        var from = served is null
            ? "environment (AWS_ACCESS_KEY_ID" + (fromEnvironment!.SessionToken is { Length: > 0 } ? ", AWS_SESSION_TOKEN" : "") + "; --profile NAME answers for a profile)"
            : $"{source} of profile '{served.Identity.Profile}'" + (served.Identity.MfaSerial is { Length: > 0 } serial ? $" (MFA {serial})" : " (no MFA)");
        run.Output.Write(TextTable.Render(
        [
            ["Account", account],
            ["Arn", arn],
            ["UserId", userId],
            ["Source", from],
            ["Expiration", expiration is { } at ? $"{Timestamps.Format(at)} ({DurationParser.Humanize(at - clock.GetUtcNow())} left)" : "- (long-term keys)"],
        ]));
        return ExitCodes.Success;
    }

    /// <summary>The keys every SDK in this shell would use before any profile; null when the environment has none.</summary>
    private RootCredentials? EnvironmentKeys()
    {
        if (environment.Get("AWS_ACCESS_KEY_ID")?.Trim() is not { Length: > 0 } id || environment.Get("AWS_SECRET_ACCESS_KEY")?.Trim() is not { Length: > 0 } secret)
        {
            return null;
        }

        var expiration = environment.Get("AWS_CREDENTIAL_EXPIRATION") is { } text
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
        return new RootCredentials(id, secret, environment.Get("AWS_SESSION_TOKEN")?.Trim() is { Length: > 0 } token ? token : null, expiration);
    }
}
