using Awsmfa.Eks;

namespace Awsmfa.Tests.Support;

/// <summary>DescribeCluster from a dictionary; an unknown name is EKS's ResourceNotFoundException.</summary>
internal sealed class FakeEksClusters(IReadOnlyDictionary<string, EksCluster> clusters) : IEksClusters
{
    public Task<EksCluster> DescribeAsync(string name, CancellationToken cancellationToken) =>
        clusters.TryGetValue(name, out var cluster)
            ? Task.FromResult(cluster)
            : Task.FromException<EksCluster>(new AwsmfaException(ExitCodes.AwsError, $"no EKS cluster named '{name}'"));
}
