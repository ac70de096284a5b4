using System.CommandLine;
using Awsmfa.Credentials;
using Awsmfa.Mfa;

namespace Awsmfa.Cli.Mfa;

internal enum MfaListFormat
{
    Table,
    Json,
}

/// <summary>What <c>mfa list</c> was asked.</summary>
internal sealed record MfaListOptions(PipelineOptions Pipeline, MfaListFormat Format);

/// <summary>What <c>mfa create</c> was asked; <paramref name="Set"/> null: ask on the terminal.</summary>
internal sealed record MfaCreateOptions(PipelineOptions Pipeline, string? Name, string? QrFile, bool? Set, bool ShowSecret);

/// <summary>What <c>mfa remove</c> was asked.</summary>
internal sealed record MfaRemoveOptions(PipelineOptions Pipeline, string Serial, bool Yes);

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

/// <summary><c>awsmfa mfa remove</c>: deactivate and delete one of the user's MFA devices, and forget it everywhere awsmfa knows it.</summary>
internal sealed class MfaRemoveDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string> _serial = new("--serial")
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

/// <summary><c>awsmfa mfa list | create | remove</c>.</summary>
internal static class MfaCommands
{
    public static Command Create(IProfileStore profiles, MfaListHandler list, MfaCreateHandler create, MfaRemoveHandler remove)
    {
        var mfa = new Command("mfa", "See, create and remove the MFA devices of your IAM user: from keys to a working MFA device in one sitting.");
        mfa.Subcommands.Add(new MfaListDefinition(profiles).Build(list));
        mfa.Subcommands.Add(new MfaCreateDefinition(profiles).Build(create));
        mfa.Subcommands.Add(new MfaRemoveDefinition(profiles).Build(remove));
        return mfa;
    }
}
