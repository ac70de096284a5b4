using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Session;

/// <summary>Runs <c>session get</c>: the session through the pipeline, printed in the asked shape, and a line for people.</summary>
internal sealed class SessionGetHandler(Func<Reporter, CredentialPipeline> pipelines, ITerminal terminal, TimeProvider clock)
{
    public async Task<int> RunAsync(SessionGetOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline);
        var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
        SessionOutput.Write(options.Format, served.Credentials, request.Target.Region, run.Output);
        run.Reporter.Info(Describe(served, clock.GetUtcNow()));
        if (terminal.StdoutIsTerminal && options.Format is SessionFormat.Env or SessionFormat.Fish or SessionFormat.PowerShell)
        {
            run.Reporter.Info("to load these into your shell: " + options.LoadCommand());
        }

        return ExitCodes.Success;
    }

    private static string Describe(ServedCredentials served, DateTimeOffset now)
    {
        var left = DurationParser.Humanize(served.Credentials.Expiration - now);
        var source = served.FromCache ? "from the cache" : "new from STS";
        var mfa = served.Identity.MfaSerial is { Length: > 0 } serial ? serial : "no MFA";
        var what = served.Identity.RoleArn is { } role
            ? $"role {role} for profile '{served.Identity.Profile}' ({(mfa == "no MFA" ? mfa : "MFA " + mfa)})"
            : $"session for profile '{served.Identity.Profile}' ({mfa})";
        return $"{what} valid until {Timestamps.Format(served.Credentials.Expiration)} ({left} left), {source}";
    }
}
