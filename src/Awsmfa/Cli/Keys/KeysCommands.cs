using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Keys;

/// <summary><c>awsmfa keys add | list | remove | import | rotate</c>: an IAM user's long-term keys in the OS keyring.</summary>
internal static class KeysCommands
{
    public static Command Create(IProfileStore profiles, KeysHandler handler, KeysRotateHandler rotate)
    {
        var keys = new Command(
            "keys",
            "Keep IAM users' long-term keys in the OS keyring (Secret Service, Windows Credential Manager, macOS Keychain) instead of ~/.aws/credentials. A profile's keys come from the keyring when it holds them; a cached session never reads the keyring.");
        keys.Subcommands.Add(new KeysAddDefinition(profiles).Build(handler));
        keys.Subcommands.Add(new KeysListDefinition().Build(handler));
        keys.Subcommands.Add(new KeysRemoveDefinition(profiles).Build(handler));
        keys.Subcommands.Add(new KeysImportDefinition(profiles).Build(handler));
        keys.Subcommands.Add(new KeysRotateDefinition(profiles).Build(rotate));
        return keys;
    }
}
