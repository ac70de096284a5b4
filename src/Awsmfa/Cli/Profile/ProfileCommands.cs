using System.CommandLine;

namespace Awsmfa.Cli.Profile;

/// <summary><c>awsmfa profile list</c>: every profile of the config and credentials files, what it is, and what is cached for it.</summary>
internal static class ProfileCommands
{
    public static Command Create(ProfileListHandler handler)
    {
        var profile = new Command("profile", "See the AWS profiles awsmfa can serve.");
        profile.Subcommands.Add(new ProfileListDefinition().Build(handler));
        return profile;
    }
}
