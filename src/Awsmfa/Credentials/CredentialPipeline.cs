namespace Awsmfa.Credentials;

/// <summary>The one way a command gets credentials: resolve the request, then serve it (cache, lock, STS).</summary>
internal sealed class CredentialPipeline(SessionRequestResolver resolver, ISessionSource source)
{
    public Task<MfaSession> GetSessionAsync(PipelineOptions options, CancellationToken cancellationToken) =>
        source.GetSessionAsync(resolver.Resolve(options), cancellationToken);
}
