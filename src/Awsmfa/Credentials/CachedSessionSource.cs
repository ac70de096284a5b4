namespace Awsmfa.Credentials;

/// <summary>
/// Serves sessions from <see cref="SessionCache"/> while they have more than the margin left, and
/// otherwise asks the inner source, under a lock, so that parallel runs make one STS call between
/// them and spend the code once (STS rejects a code that was used already).
/// </summary>
internal sealed class CachedSessionSource(
    ISessionSource inner,
    SessionCache cache,
    TimeProvider clock,
    TimeSpan expiryMargin,
    TimeSpan lockTimeout,
    Reporter reporter) : ISessionSource
{
    public async Task<MfaSession> GetSessionAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        if (request.Cache == CacheMode.Off)
        {
            return await inner.GetSessionAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var key = SessionCache.KeyFor(request.Profile, request.LongTerm.AccessKeyId, request.MfaSerial);
        var seen = cache.Read(key);
        if (request.Cache == CacheMode.Normal && Usable(seen) is { } cached)
        {
            return FromCache(cached, request);
        }

        using var held = await cache.LockAsync(key, lockTimeout, cancellationToken).ConfigureAwait(false);

        // Another process may have fetched the session while this one waited for the lock; with
        // --refresh only a session other than the one this run set out to replace will do.
        if (Usable(cache.Read(key)) is { } fresh
            && (request.Cache == CacheMode.Normal || fresh.SessionToken != seen?.SessionToken))
        {
            reporter.Detail("another awsmfa process fetched this session meanwhile");
            return FromCache(fresh, request);
        }

        var session = await inner.GetSessionAsync(request, cancellationToken).ConfigureAwait(false);
        cache.TryWrite(new CacheEntry
        {
            Version = CacheEntry.CurrentVersion,
            Key = key,
            Profile = request.Profile,
            MfaSerial = request.MfaSerial,
            AccessKeyId = session.Credentials.AccessKeyId,
            SecretAccessKey = session.Credentials.SecretAccessKey,
            SessionToken = session.Credentials.SessionToken,
            Expiration = session.Credentials.Expiration,
            CreatedAt = clock.GetUtcNow(),
        });
        return session;
    }

    private CacheEntry? Usable(CacheEntry? entry)
    {
        if (entry is null)
        {
            return null;
        }

        var left = entry.Expiration - clock.GetUtcNow();
        if (left > expiryMargin)
        {
            return entry;
        }

        reporter.Detail($"cached session has {DurationParser.Humanize(left)} left, not more than the {DurationParser.Humanize(expiryMargin)} margin");
        return null;
    }

    private static MfaSession FromCache(CacheEntry entry, SessionRequest request) =>
        new(request.Profile, request.MfaSerial, entry.Credentials, FromCache: true, request.Target);
}
