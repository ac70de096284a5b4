namespace Awsmfa.Credentials;

/// <summary>
/// Serves sessions from <see cref="SessionCache"/> while they have more than the margin left, and
/// otherwise gets a code and calls STS, under a lock, so that parallel runs make one STS call
/// between them and spend the code once (STS rejects a code that was used already).
/// </summary>
internal sealed class CachedSessionSource(
    StsSessionSource sts,
    MfaCodePrompt codes,
    SessionCache cache,
    TimeProvider clock,
    TimeSpan expiryMargin,
    TimeSpan lockTimeout,
    Reporter reporter)
{
    public async Task<MfaSession> GetSessionAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        if (request.Cache == CacheMode.Off)
        {
            var seconds = sts.ResolveDuration(request);
            var code = await codes.GetCodeAsync(request.TokenCode, request.MfaSerial, cancellationToken).ConfigureAwait(false);
            return await sts.GetSessionAsync(request, seconds, code, cancellationToken).ConfigureAwait(false);
        }

        var key = SessionCache.KeyFor(request.Profile, request.LongTerm.AccessKeyId, request.MfaSerial);
        if (request.Cache == CacheMode.Normal && Usable(cache.Read(key)) is { } cached)
        {
            return FromCache(cached, request);
        }

        var duration = sts.ResolveDuration(request);
        using var held = await cache.LockAsync(key, lockTimeout, cancellationToken).ConfigureAwait(false);

        // Another process may have fetched the session while this one waited for the lock.
        var current = Usable(cache.Read(key));
        if (request.Cache == CacheMode.Normal && current is not null)
        {
            reporter.Detail("another awsmfa process fetched this session meanwhile");
            return FromCache(current, request);
        }

        var codeToUse = await codes.GetCodeAsync(request.TokenCode, request.MfaSerial, cancellationToken).ConfigureAwait(false);
        var codeHash = SessionCache.CodeHashFor(codeToUse, request.MfaSerial);

        // A code works once: a session minted with this very code (by a parallel --refresh) is
        // what a call with it would produce, and STS would now reject the code.
        if (current is not null && current.CodeHash == codeHash)
        {
            reporter.Detail("another awsmfa process already got a session with this code");
            return FromCache(current, request);
        }

        var session = await sts.GetSessionAsync(request, duration, codeToUse, cancellationToken).ConfigureAwait(false);
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
            CodeHash = codeHash,
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
