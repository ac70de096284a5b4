namespace Awsmfa.Credentials;

/// <summary>Temporary credentials from GetSessionToken.</summary>
internal sealed record SessionCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration);

/// <summary>An MFA session as the pipeline hands it to a command.</summary>
/// <param name="Target">Where the session's commands should send their requests.</param>
internal sealed record MfaSession(
    string Profile,
    string MfaSerial,
    SessionCredentials Credentials,
    bool FromCache,
    AwsTarget Target);

/// <summary>Long-term access keys: the only credentials that may call GetSessionToken.</summary>
internal sealed record LongTermCredentials(string AccessKeyId, string SecretAccessKey)
{
    // Keeps the secret out of any accidental string interpolation or debugger display.
    public override string ToString() => $"LongTermCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>Where and how to reach AWS.</summary>
/// <param name="Region">The resolved region, or null to let the service's default apply.</param>
/// <param name="EndpointUrl">An explicit endpoint (moto, LocalStack), or null for the SDK's own resolution.</param>
/// <param name="Profile">The shared-config profile whose per-service settings the SDK should honour, or null.</param>
/// <param name="RequestTimeout">How long one HTTP attempt may take; the SDK's retry mode decides how many attempts.</param>
internal sealed record AwsTarget(string? Region, Uri? EndpointUrl, string? Profile, TimeSpan RequestTimeout)
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    public AwsTarget(string? region, Uri? endpointUrl, string? profile)
        : this(region, endpointUrl, profile, DefaultRequestTimeout)
    {
    }
}
