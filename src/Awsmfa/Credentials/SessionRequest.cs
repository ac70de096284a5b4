using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>Everything the pipeline needs to serve one request, resolved from options, environment and profiles.</summary>
/// <param name="Root">Where the chain's first credentials come from (keys in a file or the environment, a credential_process).</param>
/// <param name="SettingsProfile">The root profile, whose <c>duration_seconds</c> applies to the MFA session, if any.</param>
/// <param name="MfaSerial">The MFA device; null only for a role reached straight from a root that needs none.</param>
/// <param name="DurationSeconds">--duration: the MFA session's length, or the last role's when there are roles.</param>
/// <param name="Roles">The roles to assume on top of the MFA session, first hop first; empty for an IAM user's own profile.</param>
internal sealed record SessionRequest(
    RootSpec Root,
    string? SettingsProfile,
    string? MfaSerial,
    int? DurationSeconds,
    TokenCodeOption TokenCode,
    AwsTarget Target,
    CacheMode Cache)
{
    /// <summary>The root profile's name (<c>env</c> for keys from the environment): what the MFA session is recorded under.</summary>
    public string Profile => Root.Profile;

    public IReadOnlyList<RoleHop> Roles { get; init; } = [];

    /// <summary>The named profile and its sources down to the root, where settings such as <c>mfa_process</c> are looked up, nearest first.</summary>
    public IReadOnlyList<string> ProfileChain { get; init; } = [];

    /// <summary>Every profile being resolved, by this awsmfa and the ones that ran it: passed to a credential_process, which must not resolve them again.</summary>
    public IReadOnlyList<string> Resolving { get; init; } = [];

    /// <summary>The first role is assumed straight from the root's credentials with the device and a code (credential_source = Environment), not from an MFA session.</summary>
    public bool FirstRoleFromRoot { get; init; }
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

/// <summary>What --token-code said: a code, - (one line of stdin), or nothing (the other sources of <see cref="MfaCodeSource"/>).</summary>
/// <param name="UseEnvironment">False for later, unattended refreshes (exec --server): a code given at the start is spent by then.</param>
internal sealed record TokenCodeOption(string? Option, bool UseEnvironment = true);
