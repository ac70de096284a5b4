namespace Awsmfa.Credentials;

/// <summary>Something that can produce an MFA session for a request.</summary>
internal interface ISessionSource
{
    Task<MfaSession> GetSessionAsync(SessionRequest request, CancellationToken cancellationToken);
}
