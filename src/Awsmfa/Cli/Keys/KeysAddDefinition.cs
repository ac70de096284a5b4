using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Keys;

/// <summary>Where <c>keys add</c> takes the keys from.</summary>
internal enum KeysInput
{
    Terminal,
    Stdin,
    Environment,
}

/// <summary>What <c>keys add</c> was asked.</summary>
internal sealed record KeysAddOptions(string Profile, KeysInput Input, bool Yes);

/// <summary><c>awsmfa keys add</c>: its options, validators and help, read into <see cref="KeysAddOptions"/>; <see cref="KeysHandler"/> runs them.</summary>
internal sealed class KeysAddDefinition
{
    private readonly Option<string> _profile;
    private readonly Option<bool> _stdin = new("--stdin") { Description = "Read the access key id and the secret access key as two lines from standard input (scripts, CI)." };
    private readonly Option<bool> _fromEnvironment = new("--from-env") { Description = "Take them from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY." };
    private readonly Option<bool> _yes = KeysOptions.Yes("Replace keys the keyring already holds for the profile without asking.");

    public KeysAddDefinition(IProfileStore profiles)
    {
        _profile = KeysOptions.Profile(profiles, "The profile the keys belong to; it needs no section in ~/.aws/credentials (its mfa_serial and region stay in ~/.aws/config).");
        Command = new Command("add", "Store a profile's long-term keys in the OS keyring: asked on the terminal (the secret is not echoed), or from --stdin or --from-env.");
        Command.Options.Add(_profile);
        Command.Options.Add(_stdin);
        Command.Options.Add(_fromEnvironment);
        Command.Options.Add(_yes);
        Command.Validators.Add(result =>
        {
            if (result.GetValue(_stdin) && result.GetValue(_fromEnvironment))
            {
                result.AddError("--stdin and --from-env do not go together: take the keys from one place");
            }
        });
    }

    public Command Command { get; }

    public KeysAddOptions Read(ParseResult parseResult)
    {
        var input = parseResult.GetValue(_stdin) ? KeysInput.Stdin : parseResult.GetValue(_fromEnvironment) ? KeysInput.Environment : KeysInput.Terminal;
        return new KeysAddOptions(parseResult.GetValue(_profile)!.Trim(), input, parseResult.GetValue(_yes));
    }

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(KeysHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.AddAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
