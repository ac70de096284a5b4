using System.Text;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;

namespace Awsmfa.Eks;

/// <summary>
/// ExecCredentials kept for reuse. kubectl runs the plugin anew on each call, and signing a token
/// loads OpenSSL for HMAC-SHA256: two thirds of an <c>eks token</c> from a cached session
/// (docs/benchmarks.md). A token is a bearer credential for 15 minutes from its signing, no more
/// than the session it is made from: the document printed is kept in the cache folder beside
/// that session (the user's alone, written atomically), under a name that hashes the session's
/// key, the cluster, the region and the apiVersion, and printed again, as it was, while more than
/// a minute of its life is left. A hit parses no JSON: the file is its expiry on one line, then
/// the document.
/// </summary>
internal static class EksTokenCache
{
    private const string Prefix = "eks-";

    /// <summary>Left of a token's life when it is no longer served: kubectl must get to use it.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    public static string Key(SessionCredentials credentials, string cluster, string region, string apiVersion) =>
        Prefix + CacheKeys.For(["eks-token", credentials.AccessKeyId, Timestamps.Format(credentials.Expiration), cluster, region, apiVersion]);

    /// <summary>The kept document, while it has more than the margin left; null otherwise (none, stale, unreadable).</summary>
    public static string? Read(SessionCache cache, string key, DateTimeOffset now) =>
        cache.TryReadFile(key) is { } bytes ? Usable(bytes, now) : null;

    /// <summary>Keeps the document, and removes those whose tokens have ended (one per session, cluster and region would pile up).</summary>
    public static void Write(SessionCache cache, string key, DateTimeOffset expiration, string document, DateTimeOffset now)
    {
        cache.TryWriteFile(key, Encoding.UTF8.GetBytes(Timestamps.Format(expiration) + "\n" + document), flushToDisk: false);
        cache.RemoveFiles(Prefix, bytes => Usable(bytes, now) is null);
    }

    private static string? Usable(byte[] bytes, DateTimeOffset now)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline > 0
            && DateTimeOffset.TryParse(text.AsSpan(0, newline), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var until)
            && until - Margin > now
            // A clock stepped back would otherwise serve a token signed "in the future" for as long.
            && until - now <= EksToken.Lifetime
            && text.AsSpan(newline + 1).StartsWith("{\"kind\":\"ExecCredential\"", StringComparison.Ordinal)
            && text.EndsWith('\n')
            ? text[(newline + 1)..]
            : null;
    }

    /// <summary>Every kept document (<c>session clear</c>): they were made from the sessions it removes.</summary>
    public static int RemoveAll(SessionCache cache) => cache.RemoveFiles(Prefix);
}
