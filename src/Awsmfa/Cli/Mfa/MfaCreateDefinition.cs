using System.CommandLine;
using Awsmfa.Credentials;
using Awsmfa.Mfa;

namespace Awsmfa.Cli.Mfa;

/// <summary>What <c>mfa create</c> was asked; <paramref name="Set"/> null: ask on the terminal.</summary>
internal sealed record MfaCreateOptions(PipelineOptions Pipeline, string? Name, string? QrFile, bool? Set, bool ShowSecret);

/// <summary><c>awsmfa mfa create</c>: a virtual MFA device for the profile's IAM user, scanned and enabled in one sitting.</summary>
internal sealed class MfaCreateDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string?> _name = new("--name")
    {
        Description = "The device's name in IAM: letters, digits and + = , . @ - _ [default: the IAM user's name].",
        HelpName = "NAME",
    };

    private readonly Option<string?> _qr = new("--qr")
    {
        Description = "Write the QR code to this PNG file (mode 0600) instead of drawing it on the terminal.",
        HelpName = "FILE.png",
    };

    private readonly Option<bool> _set = new("--set")
    {
        Description = "Write mfa_serial = ARN into the profile's section of the config file once the device works [default: asked on the terminal].",
    };

    private readonly Option<bool> _showSecret = new("--show-secret")
    {
        Description = "Also print the device's Base32 seed, for an app that cannot scan (it is the device: keep it secret).",
    };

    public MfaCreateDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        _name.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && !MfaDeviceTypes.IsDeviceName(name.Trim()))
            {
                result.AddError("--name must be 1 to 226 letters, digits and + = , . @ - _");
            }
        });
        Command = new Command(
            "create",
            "Create a virtual MFA device for the profile's IAM user (IAM CreateVirtualMFADevice), show its QR code for an authenticator app, ask for two consecutive codes and enable it (EnableMFADevice). On any failure or Ctrl-C before it is enabled, the device is deleted again. Prints the device's ARN on stdout.");
        _pipeline.AddUserOptionsTo(Command);
        foreach (var option in new Option[] { _name, _qr, _set, _showSecret })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    public MfaCreateOptions Read(ParseResult parseResult) => new(
        _pipeline.Read(parseResult),
        parseResult.GetValue(_name)?.Trim(),
        parseResult.GetValue(_qr),
        parseResult.GetValue(_set) ? true : null,
        parseResult.GetValue(_showSecret));

    public Command Build(MfaCreateHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
