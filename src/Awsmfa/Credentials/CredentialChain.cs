using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// Composes the steps that serve a request, each behind its own cache entry: the root's MFA
/// session, then one AssumeRole per role, each signed with the credentials below it. One code
/// serves the MFA session, and the MFA session every role above it, until it expires.
/// </summary>
internal sealed class CredentialChain(
    IAwsClientFactory clients,
    IProfileStore profiles,
    MfaCodeSource codes,
    Func<SessionCache> cache,
    TimeProvider clock,
    TimeSpan expiryMargin,
    TimeSpan lockTimeout,
    Reporter reporter)
{
    public Task<ServedCredentials> GetAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        var roles = request.Roles;
        // --refresh renews what the command uses: for a role profile the role's credentials,
        // which needs no code while the MFA session lasts. --no-cache applies to every step.
        var below = request.Cache == CacheMode.Off ? CacheMode.Off : CacheMode.Normal;
        var session = Cached(new SessionTokenStep(request, clients, profiles, codes, clock, reporter), roles.Count > 0 ? below : request.Cache);
        Func<CancellationToken, Task<ServedCredentials>> source = session.GetAsync;
        for (var i = 0; i < roles.Count; i++)
        {
            var step = new AssumeRoleStep(roles[i], roles.Take(i).ToList(), request, source, clients, profiles, codes, clock, reporter);
            source = Cached(step, i == roles.Count - 1 ? request.Cache : below).GetAsync;
        }

        return source(cancellationToken);
    }

    private CachedStep Cached(ICredentialStep step, CacheMode mode) =>
        new(step, cache(), mode, clock, expiryMargin, lockTimeout, reporter);
}
