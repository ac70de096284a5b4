using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Mfa;

/// <summary><c>awsmfa mfa list | create | remove</c>.</summary>
internal static class MfaCommands
{
    public static Command Create(IProfileStore profiles, MfaListHandler list, MfaCreateHandler create, MfaRemoveHandler remove)
    {
        var mfa = new Command("mfa", "See, create and remove the MFA devices of your IAM user: from keys to a working MFA device in one sitting.");
        mfa.Subcommands.Add(new MfaListDefinition(profiles).Build(list));
        mfa.Subcommands.Add(new MfaCreateDefinition(profiles).Build(create));
        mfa.Subcommands.Add(new MfaRemoveDefinition(profiles).Build(remove));
        return mfa;
    }
}
