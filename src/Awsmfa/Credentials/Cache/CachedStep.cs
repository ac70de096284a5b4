using Awsmfa.Aws;
using Awsmfa.Output;

namespace Awsmfa.Credentials;

/// <summary>
/// Serves a step's credentials from <see cref="SessionCache"/> while they have more than the
/// margin left, and otherwise runs the step under the entry's lock, so that parallel runs make
/// one AWS call between them and spend a code once (AWS rejects a code that was used already).
/// </summary>
internal sealed class CachedStep(
    ICredentialStep step,
    SessionCache cache,
    CacheMode mode,
    TimeProvider clock,
    TimeSpan expiryMargin,
    TimeSpan lockTimeout,
    Reporter reporter)
{
    public async Task<ServedCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var identity = step.Identity;
        if (mode == CacheMode.Off)
        {
            return Fresh(identity, await step.GetAsync(MintContext.Fresh, cancellationToken).ConfigureAwait(false));
        }

        var key = identity.CacheKey;
        if (mode == CacheMode.Normal && Usable(cache.Read(key)) is { } cached)
        {
            reporter.Detail($"served from the cache ({cache.PathFor(key)}, minted {Timestamps.Format(cached.CreatedAt)})");
            return FromCache(cached, identity);
        }

        using var held = await cache.LockAsync(key, lockTimeout, cancellationToken).ConfigureAwait(false);

        // Another process may have fetched the credentials while this one waited for the lock.
        var current = Usable(cache.Read(key));
        if (mode == CacheMode.Normal && current is not null)
        {
            reporter.Detail("another awsmfa process got these credentials while this one waited for the lock");
            return FromCache(current, identity);
        }

        MintedCredentials minted;
        try
        {
            minted = await step.GetAsync(new MintContext(current?.CodeHash), cancellationToken).ConfigureAwait(false);
        }
        catch (CodeAlreadySpent) when (current is not null)
        {
            reporter.Detail("the cache already holds credentials minted with this MFA code (an earlier or parallel run); a code works once, so they are served");
            return FromCache(current, identity);
        }

        if (minted.Cacheable)
        {
            cache.TryWrite(CacheEntry.From(key, identity, minted, clock.GetUtcNow()));
        }

        return Fresh(identity, minted);
    }

    private CacheEntry? Usable(CacheEntry? entry)
    {
        if (entry is null)
        {
            return null;
        }

        if (IsFresh(entry.Expiration, clock.GetUtcNow(), expiryMargin))
        {
            return entry;
        }

        reporter.Detail($"cached credentials have {DurationParser.Humanize(entry.Expiration - clock.GetUtcNow())} left, not more than the {DurationParser.Humanize(expiryMargin)} margin");
        return null;
    }

    /// <summary>
    /// The one freshness rule, for the cache and the credentials endpoint alike: credentials are
    /// served while they have more than the margin left, so that whoever gets them has time to use them.
    /// </summary>
    public static bool IsFresh(DateTimeOffset expiration, DateTimeOffset now, TimeSpan margin) => expiration - now > margin;

    private static ServedCredentials Fresh(StepIdentity identity, MintedCredentials minted) =>
        new(identity, minted.Credentials, FromCache: false) { CarriesMfa = minted.CarriesMfa };

    // An entry carries MFA when it names the device it was minted with: a web identity's or a
    // federation token's names none, nor does a role assumed from credentials without MFA.
    private static ServedCredentials FromCache(CacheEntry entry, StepIdentity identity) =>
        new(identity, entry.Credentials, FromCache: true) { CarriesMfa = !string.IsNullOrEmpty(entry.MfaSerial) };
}
