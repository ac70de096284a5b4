using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Session;

/// <summary><c>awsmfa session get | list | clear</c>.</summary>
internal static class SessionCommands
{
    public static Command Create(IProfileStore profiles, SessionGetHandler get, SessionCacheHandler cache)
    {
        var session = new Command("session", "Get, list and clear cached MFA sessions.");
        session.Subcommands.Add(new SessionGetDefinition(profiles).Build(get));
        session.Subcommands.Add(new SessionListDefinition().Build(cache));
        session.Subcommands.Add(new SessionClearDefinition(profiles).Build(cache));
        return session;
    }
}
