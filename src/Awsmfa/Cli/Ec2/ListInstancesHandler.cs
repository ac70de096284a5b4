using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Ec2;

namespace Awsmfa.Cli.Ec2;

/// <summary>
/// Runs <c>ec2 list</c>: the session, the regional clients, then <see cref="InstanceLister"/>
/// with rows to stdout as they come; a summary and any failed region on stderr, exit 1 when one
/// failed.
/// </summary>
internal sealed class ListInstancesHandler(Func<Reporter, CredentialPipeline> pipelines, IAwsClientFactory clients)
{
    public async Task<int> RunAsync(ListInstancesOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline, requireRegion: !options.AllRegions);
        var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
        using var regions = await RegionalClients.CreateAsync(clients, request.Target, served.Credentials, options.Regions, options.AllRegions, cancellationToken).ConfigureAwait(false);
        var writer = InstanceOutput.Create(options.Format, run.Output, withRegion: regions.Multi);
        var outcome = await InstanceLister.ListAsync(regions, options.Request, async rows =>
        {
            foreach (var row in rows)
            {
                writer.Write(row);
            }

            await run.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        writer.Complete();
        foreach (var (region, error) in outcome.Failures)
        {
            run.Reporter.Warn($"{region}: {error.Message}");
        }

        run.Reporter.Info(outcome.Summary(regions.Multi));
        return outcome.Failures.Count > 0 ? ExitCodes.AwsError : ExitCodes.Success;
    }
}
