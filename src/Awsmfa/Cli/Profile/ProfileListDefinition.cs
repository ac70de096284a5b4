using System.CommandLine;

namespace Awsmfa.Cli.Profile;

/// <summary>What <c>profile list</c> was asked.</summary>
internal sealed record ProfileListOptions(ListFormat Format);

/// <summary>
/// <c>awsmfa profile list</c>: its option and help, read into <see cref="ProfileListOptions"/>;
/// <see cref="ProfileListHandler"/> lists every profile of the config and credentials files, what it is, and what is cached for it.
/// </summary>
internal sealed class ProfileListDefinition
{
    private readonly Option<ListFormat> _output = CommonOptions.Output("table or json.", ("table", ListFormat.Table), ("json", ListFormat.Json));

    public ProfileListDefinition()
    {
        Command = new Command("list", "List every profile in ~/.aws/config, ~/.aws/credentials and the keyring: its kind (keys, keyring, role, process, sso, …), MFA device, source, region, and the time left of a cached answer. Shows no secrets.");
        Command.Options.Add(_output);
    }

    public Command Command { get; }

    public ProfileListOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_output));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(ProfileListHandler handler)
    {
        Command.SetAction(parseResult => handler.Run(Read(parseResult), new CommandRun(parseResult)));
        return Command;
    }
}
