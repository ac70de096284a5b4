namespace Awsmfa.Credentials;

/// <summary>
/// The one way a command gets credentials: resolve the request (profile, region, serial), then
/// serve it through the cached credential steps. The AWS target travels with the request, not
/// with the credentials.
/// </summary>
internal sealed class CredentialPipeline(SessionRequestResolver resolver, CredentialChain steps)
{
    public const string NoRegion = "no region: pass --region, set AWS_REGION, or add region = ... to the profile in ~/.aws/config";

    /// <param name="requireRegion">For regional services: fail before asking for a code when no region is known.</param>
    public SessionRequest Resolve(PipelineOptions options, bool requireRegion = false)
    {
        var request = resolver.Resolve(options);
        return requireRegion && request.Target.Region is null ? throw AwsmfaException.Usage(NoRegion) : request;
    }

    public Task<ServedCredentials> GetAsync(SessionRequest request, CancellationToken cancellationToken) =>
        steps.GetAsync(request, cancellationToken);

    /// <summary>A federated user's credentials (GetFederationToken) from the request's root keys.</summary>
    public Task<ServedCredentials> GetFederationTokenAsync(SessionRequest request, string name, string policy, int durationSeconds, CancellationToken cancellationToken) =>
        steps.GetFederationTokenAsync(request, name, policy, durationSeconds, cancellationToken);
}
