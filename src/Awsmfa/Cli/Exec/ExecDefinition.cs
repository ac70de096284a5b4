using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Exec;

/// <summary>What <c>exec</c> was asked: the pipeline, the command (empty: the user's shell), and how.</summary>
internal sealed record ExecOptions(PipelineOptions Pipeline, IReadOnlyList<string> Command, bool Server, bool AllowNested);

/// <summary>
/// <c>awsmfa exec -- COMMAND [ARGS...]</c>: its options, the command's argument and help, read
/// into <see cref="ExecOptions"/>; <see cref="ExecHandler"/> runs the command with the MFA session in its environment.
/// </summary>
internal sealed class ExecDefinition
{
    public const string Name = "exec";
    public const string PutCommandAfterDoubleDash = "put the command after --, e.g. awsmfa exec --profile work -- aws s3 ls (awsmfa's own options go before --)";

    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<bool> _allowNested = new("--allow-nested")
    {
        Description = "Run even inside another awsmfa exec (where AWSMFA_SESSION is set).",
    };

    private readonly Option<bool> _server = new("--server")
    {
        Description = "Serve the credentials from a loopback endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) instead of the environment: the command's SDKs fetch fresh ones before they expire, so it may run longer than any one session.",
    };

    private readonly Argument<string[]> _commandLine = new("COMMAND")
    {
        Description = "The program and its arguments, after -- so that their options are not read as awsmfa's [default: your shell, $SHELL, else /bin/sh; %COMSPEC% on Windows].",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public ExecDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            Name,
            "Run a command with the MFA session in its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION); its exit code is awsmfa's. With no command, starts your shell with the session.");
        _pipeline.AddTo(Command);
        Command.Options.Add(_allowNested);
        Command.Options.Add(_server);
        Command.Options.Add(Quiet);
        Command.Arguments.Add(_commandLine);
    }

    public Command Command { get; }

    public Option<bool> Quiet { get; } = CommonOptions.Quiet();

    public ExecOptions Read(ParseResult parseResult) =>
        new(_pipeline.Read(parseResult), parseResult.GetValue(_commandLine) ?? [], parseResult.GetValue(_server), parseResult.GetValue(_allowNested));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(ExecHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult, Quiet), cancellationToken));
        return Command;
    }
}
