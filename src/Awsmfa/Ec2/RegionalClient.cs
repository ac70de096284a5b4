using Amazon.EC2;
using Awsmfa.Aws;

namespace Awsmfa.Ec2;

/// <summary>An EC2 client for one region, all of them signed with the same session credentials.</summary>
/// <param name="Region">The region, or null for the single region of a one-region command (no region shown in output).</param>
internal sealed record RegionalClient(string? Region, IAmazonEC2 Client, AwsTarget Target) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
