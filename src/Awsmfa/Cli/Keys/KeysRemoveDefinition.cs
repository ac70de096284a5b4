using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Keys;

/// <summary>What <c>keys remove</c> was asked.</summary>
internal sealed record KeysRemoveOptions(string Profile, bool Yes);

/// <summary><c>awsmfa keys remove</c>: its options and help, read into <see cref="KeysRemoveOptions"/>; <see cref="KeysHandler"/> runs them.</summary>
internal sealed class KeysRemoveDefinition
{
    private readonly Option<string> _profile;
    private readonly Option<bool> _yes = KeysOptions.Yes("Do not ask for confirmation.");

    public KeysRemoveDefinition(IProfileStore profiles)
    {
        _profile = KeysOptions.Profile(profiles, "The profile whose keys to remove from the keyring.");
        Command = new Command("remove", "Remove a profile's keys from the keyring (the key itself stays active in IAM).");
        Command.Options.Add(_profile);
        Command.Options.Add(_yes);
    }

    public Command Command { get; }

    public KeysRemoveOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_profile)!.Trim(), parseResult.GetValue(_yes));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(KeysHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RemoveAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
