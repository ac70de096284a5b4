using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Eks;

/// <summary>What <c>eks token</c> was asked.</summary>
internal sealed record EksTokenOptions(PipelineOptions Pipeline, string ClusterName);

/// <summary><c>awsmfa eks token</c>: its options, validators and help, read into <see cref="EksTokenOptions"/>; <see cref="EksTokenHandler"/> runs them.</summary>
internal sealed class EksTokenDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<string> _cluster = ClusterNameOption.Create();

    public EksTokenDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            "token",
            "Print an ExecCredential with a bearer token for the cluster, as 'aws eks get-token' does, for kubectl's exec plugin: a presigned STS GetCallerIdentity made from the cached MFA session or role, locally. A code is asked only when nothing cached can serve.");
        Command.Options.Add(_cluster);
        _pipeline.AddTo(Command);
    }

    public Command Command { get; }

    public EksTokenOptions Read(ParseResult parseResult) => new(_pipeline.Read(parseResult), parseResult.GetValue(_cluster)!);

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(EksTokenHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
