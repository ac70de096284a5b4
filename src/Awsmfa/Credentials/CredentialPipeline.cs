namespace Awsmfa.Credentials;

/// <summary>The one way a command gets credentials: resolve the request, then serve it (cache, lock, STS).</summary>
internal sealed class CredentialPipeline(SessionRequestResolver resolver, CachedSessionSource source)
{
    public const string NoRegion = "no region: pass --region, set AWS_REGION, or add region = ... to the profile in ~/.aws/config";

    /// <param name="requireRegion">For regional services: fail before asking for a code when no region is known.</param>
    public Task<MfaSession> GetSessionAsync(PipelineOptions options, CancellationToken cancellationToken, bool requireRegion = false)
    {
        var request = resolver.Resolve(options);
        if (requireRegion && request.Target.Region is null)
        {
            throw AwsmfaException.Usage(NoRegion);
        }

        return source.GetSessionAsync(request, cancellationToken);
    }
}
