using Amazon;
using Amazon.EC2;
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

internal sealed class AwsClientFactory : IAwsClientFactory
{
    /// <summary>STS is global; a region only picks the regional endpoint, so a missing one is no error.</summary>
    private const string StsFallbackRegion = "us-east-1";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    public IAmazonSecurityTokenService CreateSts(LongTermCredentials credentials, AwsTarget target)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, target with { Region = target.Region ?? StsFallbackRegion });
        return new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), config);
    }

    public IAmazonEC2 CreateEc2(SessionCredentials credentials, AwsTarget target)
    {
        var config = new AmazonEC2Config();
        Configure(config, target);
        return new AmazonEC2Client(
            new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), config);
    }

    private static void Configure(ClientConfig config, AwsTarget target)
    {
        // Never read config.ServiceURL here: reading it resolves and pins the endpoint before the
        // SDK has applied AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE> and endpoint_url.
        if (target.Profile is not null)
        {
            config.Profile = new Profile(target.Profile);
        }

        config.Timeout = RequestTimeout;
        if (target.EndpointUrl is not null)
        {
            config.ServiceURL = target.EndpointUrl.AbsoluteUri;
            config.AuthenticationRegion = target.Region;
        }
        else if (target.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(target.Region);
        }
    }
}
