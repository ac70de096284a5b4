using System.CommandLine;

namespace Awsmfa.Cli.Session;

/// <summary>What <c>session list</c> was asked.</summary>
internal sealed record SessionListOptions(ListFormat Format);

/// <summary><c>awsmfa session list</c>: its option and help, read into <see cref="SessionListOptions"/>; <see cref="SessionCacheHandler"/> runs it.</summary>
internal sealed class SessionListDefinition
{
    private readonly Option<ListFormat> _output = CommonOptions.Output("table or json.", ("table", ListFormat.Table), ("json", ListFormat.Json));

    public SessionListDefinition()
    {
        Command = new Command("list", "List cached MFA sessions and role credentials of every profile: profile, step type, where the keys came from, role, MFA device, expiry, time left. Shows no secrets.");
        Command.Options.Add(_output);
    }

    public Command Command { get; }

    public SessionListOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_output));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(SessionCacheHandler handler)
    {
        Command.SetAction(parseResult => handler.List(Read(parseResult), new CommandRun(parseResult)));
        return Command;
    }
}
