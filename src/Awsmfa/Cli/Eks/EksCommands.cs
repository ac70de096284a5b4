using System.CommandLine;
using System.Text.RegularExpressions;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Eks;

internal sealed record EksTokenOptions(PipelineOptions Pipeline, string ClusterName);

internal sealed record UpdateKubeconfigOptions(PipelineOptions Pipeline, string ClusterName, string? Kubeconfig, string? Alias, string? UserAlias = null);

/// <summary><c>awsmfa eks token</c> and <c>awsmfa eks update-kubeconfig</c>: kubectl on the MFA session.</summary>
internal static partial class EksCommands
{
    public static Command Create(IProfileStore profiles, EksTokenHandler token, UpdateKubeconfigHandler update)
    {
        var eks = new Command("eks", "kubectl on the MFA session: EKS tokens from the cached session (no code, no network call), and kubeconfig entries that use them.");
        eks.Subcommands.Add(Token(profiles, token));
        eks.Subcommands.Add(UpdateKubeconfig(profiles, update));
        return eks;
    }

    private static Option<string> ClusterName()
    {
        var option = new Option<string>("--cluster-name") { Description = "The EKS cluster's name.", HelpName = "NAME", Required = true };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !ClusterNamePattern().IsMatch(value))
            {
                result.AddError("--cluster-name is not valid: an EKS cluster name is 1 to 100 letters, digits, - and _, starting with a letter or digit");
            }
        });
        return option;
    }

    private static Command Token(IProfileStore profiles, EksTokenHandler handler)
    {
        var pipeline = new PipelineOptionDefinitions(profiles);
        var cluster = ClusterName();
        var command = new Command(
            "token",
            "Print an ExecCredential with a bearer token for the cluster, as 'aws eks get-token' does, for kubectl's exec plugin: a presigned STS GetCallerIdentity made from the cached MFA session or role, locally. A code is asked only when nothing cached can serve.");
        command.Options.Add(cluster);
        pipeline.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(new EksTokenOptions(pipeline.Read(parseResult), parseResult.GetValue(cluster)!), new CommandRun(parseResult), cancellationToken));
        return command;
    }

    private static Command UpdateKubeconfig(IProfileStore profiles, UpdateKubeconfigHandler handler)
    {
        var pipeline = new PipelineOptionDefinitions(profiles);
        var cluster = ClusterName();
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "The kubeconfig to write [default: the first file of $KUBECONFIG, else ~/.kube/config].", HelpName = "FILE" };
        var alias = new Option<string?>("--alias") { Description = "The context's name [default: the cluster's ARN, as the AWS CLI names it].", HelpName = "NAME" };
        var userAlias = new Option<string?>("--user-alias")
        {
            Description = "The user's name [default: the cluster's ARN, with @PROFILE and +ROLE-ARN when a profile or role is pinned, so each (cluster, profile, role) has its own user].",
            HelpName = "NAME",
        };
        var command = new Command(
            "update-kubeconfig",
            "Add the cluster to a kubeconfig (EKS DescribeCluster for its endpoint and CA) with a user whose exec runs 'awsmfa eks token' with this profile, region and role, and make it the current context. Other clusters, users and contexts stay as they are.");
        command.Options.Add(cluster);
        command.Options.Add(kubeconfig);
        command.Options.Add(alias);
        command.Options.Add(userAlias);
        pipeline.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => handler.RunAsync(
            new UpdateKubeconfigOptions(pipeline.Read(parseResult), parseResult.GetValue(cluster)!, parseResult.GetValue(kubeconfig), parseResult.GetValue(alias), parseResult.GetValue(userAlias)),
            new CommandRun(parseResult),
            cancellationToken));
        return command;
    }

    [GeneratedRegex(@"\A[0-9A-Za-z][A-Za-z0-9_-]{0,99}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNamePattern();
}
