using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Eks;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Eks;

/// <summary>
/// Runs <c>eks update-kubeconfig</c>: DescribeCluster with the chain's credentials, then the
/// kubeconfig entry whose user runs <c>awsmfa eks token</c> with the same profile, region and role.
/// </summary>
internal sealed class UpdateKubeconfigHandler(
    Func<Reporter, CredentialPipeline> pipelines, IEnvironment environment, Func<SessionCredentials, AwsTarget, IEksClusters> clusters, TimeSpan lockTimeout)
{
    public async Task<int> RunAsync(UpdateKubeconfigOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var pipeline = pipelines(run.Reporter);
        var request = pipeline.Resolve(options.Pipeline, requireRegion: true);
        var served = await pipeline.GetAsync(request, cancellationToken).ConfigureAwait(false);
        var cluster = await clusters(served.Credentials, request.Target).DescribeAsync(options.ClusterName, cancellationToken).ConfigureAwait(false);

        List<string> arguments = ["eks", "token", "--cluster-name", cluster.Name, "--region", request.Target.Region!];
        // kubectl may run the plugin from an IDE without this shell's AWS_PROFILE: pin it.
        var profile = options.Pipeline.Profile ?? (environment.Get("AWS_PROFILE") is { Length: > 0 } fromEnvironment ? fromEnvironment.Trim() : null);
        if (profile is not null)
        {
            arguments.AddRange(["--profile", profile]);
        }

        if (options.Pipeline.RoleArn is { } role)
        {
            arguments.AddRange(["--role-arn", role]);
        }

        var path = Kubeconfig.PathFor(options.Kubeconfig, environment);
        var context = options.Alias ?? cluster.Arn;
        // One user per (cluster, profile, role): a second context for the same cluster as another
        // profile or role never changes what the first one signs in as.
        var user = options.UserAlias
            ?? cluster.Arn + (profile is null ? "" : "@" + profile) + (options.Pipeline.RoleArn is { } pinned ? "+" + pinned : "");
        KubeconfigMerge merged;
        try
        {
            merged = Kubeconfig.Merge(path, new KubeconfigEntry(cluster.Arn, cluster.Endpoint, cluster.CertificateAuthorityData, user, context, arguments), lockTimeout);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw AwsmfaException.Usage($"could not write {Printable.OneLine(path)}: {Printable.OneLine(e.Message)}");
        }

        if (merged.PreviousUser is { } previous && previous != user)
        {
            run.Reporter.Info($"context {Printable.OneLine(context)} now signs in as user {Printable.OneLine(user)} (it was {Printable.OneLine(previous)}, which stays in the file)");
        }

        run.Reporter.Info($"{(merged.ContextExisted ? "updated" : "added")} context {Printable.OneLine(context)} in {Printable.OneLine(path)} (kubectl runs awsmfa eks token for it)");
        return ExitCodes.Success;
    }
}
