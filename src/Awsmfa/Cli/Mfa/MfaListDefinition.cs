using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Mfa;

internal enum MfaListFormat
{
    Table,
    Json,
}

/// <summary>What <c>mfa list</c> was asked.</summary>
internal sealed record MfaListOptions(PipelineOptions Pipeline, MfaListFormat Format);

/// <summary><c>awsmfa mfa list</c>: the MFA devices of the profile's own IAM user.</summary>
internal sealed class MfaListDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<MfaListFormat> _output = CommonOptions.Output("table or json.", ("table", MfaListFormat.Table), ("json", MfaListFormat.Json));

    public MfaListDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            "list",
            "List the MFA devices of the profile's own IAM user (STS GetCallerIdentity, IAM ListMFADevices): serial, type, when enabled, and whether it gives codes for MFA sessions (a passkey or security key does not: use aws login). * marks the profile's mfa_serial. Needs no MFA device.");
        _pipeline.AddUserOptionsTo(Command);
        Command.Options.Add(_output);
    }

    public Command Command { get; }

    public MfaListOptions Read(ParseResult parseResult) => new(_pipeline.Read(parseResult), parseResult.GetValue(_output));

    public Command Build(MfaListHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
