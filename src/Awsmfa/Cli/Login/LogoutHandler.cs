using Awsmfa.Credentials;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Login;

/// <summary>Runs <c>logout</c>: each named session's token file removed, and every cache entry awsmfa minted from it.</summary>
internal sealed class LogoutHandler(IEnvironment environment, IProfileStore profiles, Func<Reporter, SessionCache> caches)
{
    public int Run(LogoutOptions options, CommandRun run)
    {
        var names = options.All ? profiles.ListNames() : [options.Profile ?? environment.Get("AWS_PROFILE")?.Trim() ?? KindContext.DefaultProfile];
        var sessions = new List<(string Profile, string Session)>();
        foreach (var name in names)
        {
            if (profiles.FindSetting(name, "login_session")?.Trim() is { Length: > 0 } session)
            {
                sessions.Add((name, session));
            }
            else if (!options.All)
            {
                throw AwsmfaException.Usage(profiles.Find(name) is null
                    ? $"profile '{name}' was not found in {profiles.Describe()}"
                    : $"profile '{name}' has no login_session: there is no sign-in session to end");
            }
        }

        var cache = caches(run.Reporter);
        foreach (var (profile, session) in sessions)
        {
            var path = LoginToken.PathFor(environment, session);
            var removed = File.Exists(path);
            if (removed)
            {
                File.Delete(path);
            }

            // Every entry minted from a sign-in session, roles above it included (they are recorded
            // under the role profile's name): another session's are minted again from its file.
            var cleared = cache.Remove(entry => entry is not null && entry.Root == LoginSessionRoot.KindName);
            run.Reporter.Info(removed || cleared > 0
                ? $"ended the sign-in session of profile '{profile}' on this computer ({session}){(cleared > 0 ? $"; cleared {cleared} cached credential{(cleared > 1 ? "s" : "")} minted from it" : "")}"
                : $"profile '{profile}' had no sign-in session on this computer");
        }

        if (sessions.Count == 0)
        {
            run.Reporter.Info("no profile has a login_session");
        }

        return ExitCodes.Success;
    }
}
