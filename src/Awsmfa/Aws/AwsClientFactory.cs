using Amazon;
using Amazon.EC2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Awsmfa.Credentials;

namespace Awsmfa.Aws;

/// <summary>Builds AWS clients; tests swap it for one that returns mocks.</summary>
internal interface IAwsClientFactory
{
    IAmazonSecurityTokenService CreateSts(LongTermCredentials credentials, AwsTarget target);

    IAmazonEC2 CreateEc2(SessionCredentials credentials, AwsTarget target);
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
        Options(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), target with { Region = target.Region ?? StsFallbackRegion })
            .CreateServiceClient<IAmazonSecurityTokenService>();

    public IAmazonEC2 CreateEc2(SessionCredentials credentials, AwsTarget target) =>
        Options(new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), target)
            .CreateServiceClient<IAmazonEC2>();

    private static AWSOptions Options(AWSCredentials credentials, AwsTarget target)
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
        if (target.EndpointUrl is not null)
        {
            options.DefaultClientConfig.ServiceURL = target.EndpointUrl.AbsoluteUri;
            options.DefaultClientConfig.AuthenticationRegion = target.Region;
        }

        return options;
    }
}
