using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Login;

/// <summary>What <c>logout</c> was asked: one profile's session, or every one.</summary>
internal sealed record LogoutOptions(string? Profile, bool All);

/// <summary><c>awsmfa logout</c>: the sign-in session's token file removed, and what awsmfa cached from it.</summary>
internal sealed class LogoutDefinition
{
    private readonly Option<string?> _profile = new("--profile")
    {
        Description = "The profile whose sign-in session ends [default: $AWS_PROFILE, else 'default'].",
        HelpName = "NAME",
    };

    private readonly Option<bool> _all = new("--all")
    {
        Description = "Every profile's aws login session.",
    };

    public LogoutDefinition(IProfileStore profiles)
    {
        Command = new Command("logout", "End an aws login session on this computer: its token file (credentials, refresh token, key) is removed, and the credentials awsmfa cached from it. The profile's login_session stays, for the next awsmfa login.");
        _profile.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        Command.Options.Add(_profile);
        Command.Options.Add(_all);
        Command.Validators.Add(result =>
        {
            if (result.GetValue(_all) && result.GetResult(_profile) is { Implicit: false })
            {
                result.AddError("--profile and --all do not go together: name one profile, or all of them");
            }
        });
    }

    public Command Command { get; }

    public LogoutOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_profile)?.Trim(), parseResult.GetValue(_all));

    public Command Build(LogoutHandler handler)
    {
        Command.SetAction(parseResult => handler.Run(Read(parseResult), new CommandRun(parseResult)));
        return Command;
    }
}
