using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Session;

/// <summary>What <c>session clear</c> was asked: one profile's sessions, or (null) all of them.</summary>
internal sealed record SessionClearOptions(string? Profile);

/// <summary><c>awsmfa session clear</c>: its option, completion and help, read into <see cref="SessionClearOptions"/>; <see cref="SessionCacheHandler"/> runs it.</summary>
internal sealed class SessionClearDefinition
{
    private readonly Option<string?> _profile = new("--profile")
    {
        Description = "Remove only this profile's sessions (use 'env' for keys from the environment).",
        HelpName = "NAME",
    };

    public SessionClearDefinition(IProfileStore profiles)
    {
        _profile.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        Command = new Command("clear", "Remove cached sessions: all of them, or one profile's; and what interrupted writes left behind.");
        Command.Options.Add(_profile);
    }

    public Command Command { get; }

    public SessionClearOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_profile)?.Trim());

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(SessionCacheHandler handler)
    {
        Command.SetAction(parseResult => handler.Clear(Read(parseResult), new CommandRun(parseResult)));
        return Command;
    }
}
