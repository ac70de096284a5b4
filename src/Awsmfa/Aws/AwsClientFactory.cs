using Amazon;
using Amazon.EC2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace Awsmfa.Aws;

/// <summary>Builds AWS clients; tests swap it for one that returns mocks.</summary>
internal interface IAwsClientFactory
{
    /// <summary>STS signed with long-term keys (GetSessionToken, or AssumeRole with an MFA code).</summary>
    IAmazonSecurityTokenService CreateSts(LongTermCredentials credentials, AwsTarget target);

    /// <summary>STS signed with temporary credentials (AssumeRole hop by hop).</summary>
    IAmazonSecurityTokenService CreateSts(SessionCredentials credentials, AwsTarget target);

    IAmazonEC2 CreateEc2(SessionCredentials credentials, AwsTarget target);

    /// <summary>STS unsigned (AssumeRoleWithWebIdentity: the token is the proof).</summary>
    IAmazonSecurityTokenService CreateAnonymousSts(AwsTarget target);

    /// <summary>IAM Identity Center's portal, unsigned (GetRoleCredentials: the bearer token is the proof), in the SSO region.</summary>
    Amazon.SSO.IAmazonSSO CreateSso(AwsTarget target);

    /// <summary>IAM Identity Center's OIDC service, unsigned (CreateToken: the grant is the proof), in the SSO region.</summary>
    Amazon.SSOOIDC.IAmazonSSOOIDC CreateSsoOidc(AwsTarget target);
}

/// <summary>
/// Creates clients through AWSSDK.Extensions.NETCore.Setup's <see cref="AWSOptions"/>, so that
/// the SDK, not awsmfa, applies the profile's per-service settings (endpoint_url, retry mode) and
/// the AWS_ENDPOINT_URL* variables.
/// </summary>
internal sealed class AwsClientFactory : IAwsClientFactory
{
    /// <summary>STS is global; a region only picks the regional endpoint, so a missing one is no error.</summary>
    private const string StsFallbackRegion = "us-east-1";

    public IAmazonSecurityTokenService CreateSts(LongTermCredentials credentials, AwsTarget target) =>
        Create<IAmazonSecurityTokenService>(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), target with { Region = target.Region ?? StsFallbackRegion });

    public IAmazonSecurityTokenService CreateSts(SessionCredentials credentials, AwsTarget target) =>
        Create<IAmazonSecurityTokenService>(Session(credentials), target with { Region = target.Region ?? StsFallbackRegion });

    public IAmazonSecurityTokenService CreateAnonymousSts(AwsTarget target) =>
        Create<IAmazonSecurityTokenService>(new AnonymousAWSCredentials(), target with { Region = target.Region ?? StsFallbackRegion });

    public Amazon.SSO.IAmazonSSO CreateSso(AwsTarget target) => Create<Amazon.SSO.IAmazonSSO>(new AnonymousAWSCredentials(), target);

    public Amazon.SSOOIDC.IAmazonSSOOIDC CreateSsoOidc(AwsTarget target) => Create<Amazon.SSOOIDC.IAmazonSSOOIDC>(new AnonymousAWSCredentials(), target);

    public IAmazonEC2 CreateEc2(SessionCredentials credentials, AwsTarget target) =>
        Create<IAmazonEC2>(Session(credentials), target);

    private static SessionAWSCredentials Session(SessionCredentials credentials) =>
        new(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);

    private static T Create<T>(AWSCredentials credentials, AwsTarget target)
        where T : class, IAmazonService
    {
        var options = new AWSOptions
        {
            Credentials = credentials,
            Profile = target.Profile,
            Region = target.Region is null ? null : RegionEndpoint.GetBySystemName(target.Region),
        };

        // Never read ServiceURL otherwise: reading it resolves and pins the endpoint before the
        // SDK has applied AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE> and endpoint_url.
        options.DefaultClientConfig.Timeout = target.RequestTimeout;
        options.DefaultClientConfig.AllowAutoRedirect = false;
        if (target.EndpointUrl is not null)
        {
            options.DefaultClientConfig.ServiceURL = target.EndpointUrl.AbsoluteUri;
        }

        // With a custom endpoint (--endpoint-url, AWS_ENDPOINT_URL*, a profile's endpoint_url) the
        // SDK signs for the region it guesses from the host name, not the chosen one; the region
        // is what the endpoint serves, so it must be the one signed for.
        if (target.Region is not null)
        {
            options.DefaultClientConfig.AuthenticationRegion = target.Region;
        }

        var client = options.CreateServiceClient<T>();
        // AWSOptions has no setting for the HTTP client factory; the client's own config does, and
        // is read only when the first request creates the HTTP client.
        ((ClientConfig)client.Config).HttpClientFactory = BoundedHttpClientFactory.Instance;
        return client;
    }
}
