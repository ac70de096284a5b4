using System.CommandLine;
using System.CommandLine.Parsing;
using Awsmfa.Cli.Session;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Keys;

/// <summary>Where <c>keys add</c> takes the keys from.</summary>
internal enum KeysInput
{
    Terminal,
    Stdin,
    Environment,
}

internal sealed record KeysAddOptions(string Profile, KeysInput Input, bool Yes);

internal sealed record KeysRotateOptions(string Profile, string? TokenCode, string? SerialNumber, Uri? EndpointUrl, TimeSpan? RequestTimeout);

/// <summary><c>awsmfa keys add | list | remove | import | rotate</c>: an IAM user's long-term keys in the OS keyring.</summary>
internal static class KeysCommands
{
    public static Command Create(IProfileStore profiles, KeysHandler handler, KeysRotateHandler rotate)
    {
        var keys = new Command(
            "keys",
            "Keep IAM users' long-term keys in the OS keyring (Secret Service, Windows Credential Manager, macOS Keychain) instead of ~/.aws/credentials. A profile's keys come from the keyring when it holds them; a cached session never reads the keyring.");
        keys.Subcommands.Add(Add(profiles, handler));
        keys.Subcommands.Add(List(handler));
        keys.Subcommands.Add(Remove(profiles, handler));
        keys.Subcommands.Add(Import(profiles, handler));
        keys.Subcommands.Add(Rotate(profiles, rotate));
        return keys;
    }

    private static Option<string> ProfileOption(IProfileStore profiles, string description)
    {
        var option = new Option<string>("--profile") { Description = description, HelpName = "NAME", Required = true };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !InputRules.IsProfileName(value.Trim()))
            {
                result.AddError($"--profile is not valid: {InputRules.ProfileHint}");
            }
        });
        option.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        return option;
    }

    private static Option<bool> Yes(string description) => new("--yes", "-y") { Description = description };

    private static Command Add(IProfileStore profiles, KeysHandler handler)
    {
        var profile = ProfileOption(profiles, "The profile the keys belong to; it needs no section in ~/.aws/credentials (its mfa_serial and region stay in ~/.aws/config).");
        var stdin = new Option<bool>("--stdin") { Description = "Read the access key id and the secret access key as two lines from standard input (scripts, CI)." };
        var fromEnvironment = new Option<bool>("--from-env") { Description = "Take them from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY." };
        var yes = Yes("Replace keys the keyring already holds for the profile without asking.");
        var command = new Command("add", "Store a profile's long-term keys in the OS keyring: asked on the terminal (the secret is not echoed), or from --stdin or --from-env.");
        command.Options.Add(profile);
        command.Options.Add(stdin);
        command.Options.Add(fromEnvironment);
        command.Options.Add(yes);
        command.Validators.Add(result =>
        {
            if (result.GetValue(stdin) && result.GetValue(fromEnvironment))
            {
                result.AddError("--stdin and --from-env do not go together: take the keys from one place");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var input = parseResult.GetValue(stdin) ? KeysInput.Stdin : parseResult.GetValue(fromEnvironment) ? KeysInput.Environment : KeysInput.Terminal;
            return handler.AddAsync(new KeysAddOptions(parseResult.GetValue(profile)!.Trim(), input, parseResult.GetValue(yes)), new CommandRun(parseResult), cancellationToken);
        });
        return command;
    }

    private static Command List(KeysHandler handler)
    {
        var output = CommonOptions.Output("table or json.", ("table", ListFormat.Table), ("json", ListFormat.Json));
        var command = new Command("list", "List the profiles whose keys awsmfa keeps in a keyring: profile, access key id (masked), backend, when added. Never a secret; the access key id is the one the keyring holds (keys.json is checked against it).");
        command.Options.Add(output);
        command.SetAction((parseResult, cancellationToken) => handler.ListAsync(parseResult.GetValue(output), new CommandRun(parseResult), cancellationToken));
        return command;
    }

    private static Command Remove(IProfileStore profiles, KeysHandler handler)
    {
        var profile = ProfileOption(profiles, "The profile whose keys to remove from the keyring.");
        var yes = Yes("Do not ask for confirmation.");
        var command = new Command("remove", "Remove a profile's keys from the keyring (the key itself stays active in IAM).");
        command.Options.Add(profile);
        command.Options.Add(yes);
        command.SetAction((parseResult, cancellationToken) =>
            handler.RemoveAsync(parseResult.GetValue(profile)!.Trim(), parseResult.GetValue(yes), new CommandRun(parseResult), cancellationToken));
        return command;
    }

    private static Command Import(IProfileStore profiles, KeysHandler handler)
    {
        var profile = ProfileOption(profiles, "The profile whose keys to move out of ~/.aws/credentials (or ~/.aws/config).");
        var yes = Yes("Replace other keys the keyring already holds for the profile without asking.");
        var command = new Command(
            "import",
            "Move a profile's keys from ~/.aws/credentials into the keyring: stored and read back first, then exactly their lines removed from the file (everything else, and the file's mode, kept). The cached session stays usable.");
        command.Options.Add(profile);
        command.Options.Add(yes);
        command.SetAction((parseResult, cancellationToken) =>
            handler.ImportAsync(parseResult.GetValue(profile)!.Trim(), parseResult.GetValue(yes), new CommandRun(parseResult), cancellationToken));
        return command;
    }

    private static Command Rotate(IProfileStore profiles, KeysRotateHandler handler)
    {
        var pipeline = new PipelineOptionDefinitions(profiles);
        var profile = ProfileOption(profiles, "The profile whose keyring keys to rotate.");
        var command = new Command(
            "rotate",
            "Replace a profile's keys with new ones: with the profile's MFA session, IAM CreateAccessKey for the key's own user, store the new key, confirm it works, then DeleteAccessKey the old one. Nothing is lost on a failure.");
        command.Options.Add(profile);
        command.Options.Add(pipeline.TokenCode);
        command.Options.Add(pipeline.SerialNumber);
        command.Options.Add(pipeline.EndpointUrl);
        command.Options.Add(pipeline.RequestTimeout);
        command.SetAction((parseResult, cancellationToken) => handler.RotateAsync(
            new KeysRotateOptions(
                parseResult.GetValue(profile)!.Trim(),
                parseResult.GetValue(pipeline.TokenCode),
                parseResult.GetValue(pipeline.SerialNumber)?.Trim(),
                parseResult.GetValue(pipeline.EndpointUrl),
                parseResult.GetValue(pipeline.RequestTimeout)),
            new CommandRun(parseResult),
            cancellationToken));
        return command;
    }
}
