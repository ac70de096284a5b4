using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>Everything the pipeline needs to serve one session, resolved from options, environment and profile.</summary>
/// <param name="Profile">The profile's name, or <c>env</c> for keys from the environment; shown to the user and part of the cache key.</param>
/// <param name="SettingsProfile">The profile whose <c>duration_seconds</c> applies, if any.</param>
internal sealed record SessionRequest(
    string Profile,
    string? SettingsProfile,
    LongTermCredentials LongTerm,
    string MfaSerial,
    int? DurationSeconds,
    TokenCodeSource TokenCode,
    AwsTarget Target,
    CacheMode Cache);

internal enum CacheMode
{
    /// <summary>Serve from the cache when it can; store what STS returns.</summary>
    Normal,

    /// <summary>Ignore a valid entry, but store the new session.</summary>
    Refresh,

    /// <summary>Neither read nor write the cache.</summary>
    Off,
}

/// <summary>Where the MFA code comes from when one is needed; --token-code or -.</summary>
internal sealed record TokenCodeSource(string? Option);
