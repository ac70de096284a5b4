using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>Everything the pipeline needs to serve one request, resolved from options, environment and profiles.</summary>
/// <param name="Profile">The root profile's name (the one with the long-term keys), or <c>env</c> for keys from the environment; its MFA session's cache key.</param>
/// <param name="SettingsProfile">The root profile, whose <c>duration_seconds</c> applies to the MFA session, if any.</param>
/// <param name="DurationSeconds">--duration: the MFA session's length, or the last role's when there are roles.</param>
/// <param name="Roles">The roles to assume on top of the MFA session, first hop first; empty for an IAM user's own profile.</param>
internal sealed record SessionRequest(
    string Profile,
    string? SettingsProfile,
    LongTermCredentials LongTerm,
    string MfaSerial,
    int? DurationSeconds,
    TokenCodeSource TokenCode,
    AwsTarget Target,
    CacheMode Cache)
{
    public IReadOnlyList<RoleHop> Roles { get; init; } = [];

    /// <summary>The named profile and its sources down to the root, where settings such as <c>mfa_process</c> are looked up, nearest first.</summary>
    public IReadOnlyList<string> ProfileChain { get; init; } = [];

    /// <summary>The profile the user named: the last role's, or the root's.</summary>
    public string RequestedProfile => Roles.Count > 0 ? Roles[^1].Profile : Profile;
}

/// <summary>One AssumeRole on the way to the credentials the user asked for.</summary>
/// <param name="Profile">The role profile (or, for --role-arn, the profile it was added to).</param>
/// <param name="DurationOption">--duration, on the last hop; otherwise the profile's <c>duration_seconds</c> applies, read only when credentials are minted.</param>
/// <param name="FromProfile">A role profile's own hop (its settings apply); false for --role-arn, whose profile's settings are the MFA session's.</param>
internal sealed record RoleHop(string Profile, string RoleArn, string? ExternalId, string SessionName, int? DurationOption, bool FromProfile = true);

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
