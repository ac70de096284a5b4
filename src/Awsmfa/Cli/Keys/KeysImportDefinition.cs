using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Keys;

/// <summary>What <c>keys import</c> was asked.</summary>
internal sealed record KeysImportOptions(string Profile, bool Yes);

/// <summary><c>awsmfa keys import</c>: its options and help, read into <see cref="KeysImportOptions"/>; <see cref="KeysHandler"/> runs them.</summary>
internal sealed class KeysImportDefinition
{
    private readonly Option<string> _profile;
    private readonly Option<bool> _yes = KeysOptions.Yes("Replace other keys the keyring already holds for the profile without asking.");

    public KeysImportDefinition(IProfileStore profiles)
    {
        _profile = KeysOptions.Profile(profiles, "The profile whose keys to move out of ~/.aws/credentials (or ~/.aws/config).");
        Command = new Command(
            "import",
            "Move a profile's keys from ~/.aws/credentials into the keyring: stored and read back first, then exactly their lines removed from the file (everything else, and the file's mode, kept). The cached session stays usable.");
        Command.Options.Add(_profile);
        Command.Options.Add(_yes);
    }

    public Command Command { get; }

    public KeysImportOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_profile)!.Trim(), parseResult.GetValue(_yes));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(KeysHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.ImportAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
