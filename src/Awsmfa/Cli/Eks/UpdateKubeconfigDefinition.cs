using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Eks;

/// <summary>What <c>eks update-kubeconfig</c> was asked.</summary>
internal sealed record UpdateKubeconfigOptions(PipelineOptions Pipeline, string ClusterName, string? Kubeconfig, string? Alias, string? UserAlias = null);

/// <summary><c>awsmfa eks update-kubeconfig</c>: its options, validators and help, read into <see cref="UpdateKubeconfigOptions"/>; <see cref="UpdateKubeconfigHandler"/> runs them.</summary>
internal sealed class UpdateKubeconfigDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<string> _cluster = ClusterNameOption.Create();
    private readonly Option<string?> _kubeconfig = new("--kubeconfig") { Description = "The kubeconfig to write [default: the first file of $KUBECONFIG, else ~/.kube/config].", HelpName = "FILE" };
    private readonly Option<string?> _alias = new("--alias") { Description = "The context's name [default: the cluster's ARN, as the AWS CLI names it].", HelpName = "NAME" };
    private readonly Option<string?> _userAlias = new("--user-alias")
    {
        Description = "The user's name [default: the cluster's ARN, with @PROFILE and +ROLE-ARN when a profile or role is pinned, so each (cluster, profile, role) has its own user].",
        HelpName = "NAME",
    };

    public UpdateKubeconfigDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            "update-kubeconfig",
            "Add the cluster to a kubeconfig (EKS DescribeCluster for its endpoint and CA) with a user whose exec runs 'awsmfa eks token' with this profile, region and role, and make it the current context. Other clusters, users and contexts stay as they are.");
        Command.Options.Add(_cluster);
        Command.Options.Add(_kubeconfig);
        Command.Options.Add(_alias);
        Command.Options.Add(_userAlias);
        _pipeline.AddTo(Command);
    }

    public Command Command { get; }

    public UpdateKubeconfigOptions Read(ParseResult parseResult) => new(
        _pipeline.Read(parseResult), parseResult.GetValue(_cluster)!, parseResult.GetValue(_kubeconfig), parseResult.GetValue(_alias), parseResult.GetValue(_userAlias));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(UpdateKubeconfigHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
