using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Mfa;

/// <summary>What <c>mfa remove</c> was asked.</summary>
internal sealed record MfaRemoveOptions(PipelineOptions Pipeline, string Serial, bool Yes);

/// <summary><c>awsmfa mfa remove</c>: deactivate and delete one of the user's MFA devices, and forget it everywhere awsmfa knows it.</summary>
internal sealed class MfaRemoveDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string> _serial = new("--serial", "--serial-number")
    {
        Description = "The device's serial (its ARN, as mfa list shows it).",
        HelpName = "ARN",
        Required = true,
    };

    private readonly Option<bool> _yes = new("--yes", "-y")
    {
        Description = "Do not ask for confirmation.",
    };

    public MfaRemoveDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        _serial.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } serial && !InputRules.IsMfaSerial(serial.Trim()))
            {
                result.AddError($"--serial is not valid: {InputRules.SerialHint}");
            }
        });
        Command = new Command(
            "remove",
            "Deactivate one of the user's MFA devices (IAM DeactivateMFADevice, with an MFA session of that device: asks for a code) and delete it if virtual; remove mfa_serial from the profiles that name it and the cached sessions minted with it. Asks first.");
        _pipeline.AddUserOptionsTo(Command, tokenCode: true);
        Command.Options.Add(_serial);
        Command.Options.Add(_yes);
    }

    public Command Command { get; }

    public MfaRemoveOptions Read(ParseResult parseResult) =>
        new(_pipeline.Read(parseResult), parseResult.GetValue(_serial)!.Trim(), parseResult.GetValue(_yes));

    public Command Build(MfaRemoveHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
