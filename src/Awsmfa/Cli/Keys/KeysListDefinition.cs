using System.CommandLine;

namespace Awsmfa.Cli.Keys;

/// <summary>What <c>keys list</c> was asked.</summary>
internal sealed record KeysListOptions(ListFormat Format);

/// <summary><c>awsmfa keys list</c>: its option and help, read into <see cref="KeysListOptions"/>; <see cref="KeysHandler"/> runs it.</summary>
internal sealed class KeysListDefinition
{
    private readonly Option<ListFormat> _output = CommonOptions.Output("table or json.", ("table", ListFormat.Table), ("json", ListFormat.Json));

    public KeysListDefinition()
    {
        Command = new Command("list", "List the profiles whose keys awsmfa keeps in a keyring: profile, access key id (masked), backend, when added. Never a secret; the access key id is the one the keyring holds (keys.json is checked against it).");
        Command.Options.Add(_output);
    }

    public Command Command { get; }

    public KeysListOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_output));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(KeysHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.ListAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
