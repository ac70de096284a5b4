namespace Awsmfa.Aws;

/// <summary>Where and how to reach AWS.</summary>
/// <param name="Region">The resolved region, or null to let the service's default apply.</param>
/// <param name="EndpointUrl">An explicit endpoint (moto, LocalStack), or null for the SDK's own resolution.</param>
/// <param name="Profile">The shared-config profile whose per-service settings the SDK should honour, or null.</param>
/// <param name="RequestTimeout">How long one HTTP attempt may take, body included; the SDK's retry mode decides how many attempts.</param>
internal sealed record AwsTarget(string? Region, Uri? EndpointUrl, string? Profile, TimeSpan RequestTimeout)
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The SDK's standard retry mode makes at most this many attempts per call.</summary>
    public const int Attempts = 3;

    /// <summary>The longest one call may take, every attempt and the back-off between them included.</summary>
    public TimeSpan CallDeadline => RequestTimeout * Attempts + TimeSpan.FromSeconds(5);
}
