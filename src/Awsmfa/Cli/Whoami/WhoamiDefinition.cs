using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Whoami;

internal enum WhoamiFormat
{
    Text,
    Json,
}

/// <summary>What <c>whoami</c> was asked.</summary>
internal sealed record WhoamiOptions(PipelineOptions Pipeline, WhoamiFormat Format);

/// <summary>
/// <c>awsmfa whoami</c>: its options and help, read into <see cref="WhoamiOptions"/>;
/// <see cref="WhoamiHandler"/> shows who AWS sees behind the pipeline's credentials.
/// </summary>
internal sealed class WhoamiDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<WhoamiFormat> _output = CommonOptions.Output("text or json.", ("text", WhoamiFormat.Text), ("json", WhoamiFormat.Json));

    public WhoamiDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            "whoami",
            "Show who AWS sees with the profile's credentials (STS GetCallerIdentity): account, ARN, user id, and where the credentials came from (cached or new, MFA session or role) with their expiry.");
        _pipeline.AddTo(Command);
        Command.Options.Add(_output);
    }

    public Command Command { get; }

    public WhoamiOptions Read(ParseResult parseResult) => new(_pipeline.Read(parseResult), parseResult.GetValue(_output));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(WhoamiHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
