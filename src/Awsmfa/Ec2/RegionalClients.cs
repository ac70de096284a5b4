using Amazon.EC2.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;

namespace Awsmfa.Ec2;

/// <summary>
/// The EC2 clients of one command, all signed with the same session: one with no region name for
/// a one-region command, else one per region in a stable order (--region a,b,c or --all-regions).
/// Disposed together; <see cref="Start{T}"/> is the one fan-out that listing and actions share.
/// </summary>
internal sealed class RegionalClients : IReadOnlyList<RegionalClient>, IDisposable
{
    /// <summary>At most this many regions are asked at once: every enabled region of an account, so the wall time is the slowest region's.</summary>
    public const int Concurrency = 32;

    private readonly List<RegionalClient> _clients;
    private readonly SemaphoreSlim _gate = new(Concurrency);

    private RegionalClients(List<RegionalClient> clients) => _clients = clients;

    public int Count => _clients.Count;

    /// <summary>Several regions: output names each row's region.</summary>
    public bool Multi => _clients.Count > 1;

    public RegionalClient this[int index] => _clients[index];

    public static async Task<RegionalClients> CreateAsync(
        IAwsClientFactory factory, AwsTarget target, SessionCredentials credentials, IReadOnlyList<string> named, bool all, CancellationToken cancellationToken)
    {
        if (!all && named.Count <= 1)
        {
            return new([new RegionalClient(null, factory.CreateEc2(credentials, target), target)]);
        }

        var regions = named;
        if (all)
        {
            // DescribeRegions answers in any region; the resolved one, else the SDK's usual first.
            var home = target with { Region = target.Region ?? "us-east-1" };
            using var ec2 = factory.CreateEc2(credentials, home);
            DescribeRegionsResponse response;
            try
            {
                response = await AwsCall.RunAsync(home, ec2, token => ec2.DescribeRegionsAsync(new DescribeRegionsRequest { AllRegions = false }, token), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Ec2Errors.Map(e);
            }

            regions = [.. (response.Regions ?? []).Select(r => r.RegionName).Where(n => n is not null && InputRules.IsRegion(n)).Order(StringComparer.Ordinal)];
            if (regions.Count == 0)
            {
                throw new AwsmfaException(ExitCodes.AwsError, "EC2 named no enabled regions (DescribeRegions)");
            }
        }

        return new([.. regions.Select(region =>
        {
            var regional = target with { Region = region };
            return new RegionalClient(region, factory.CreateEc2(credentials, regional), regional);
        })]);
    }

    /// <summary>
    /// Starts <paramref name="work"/> in every region, at most <see cref="Concurrency"/> at once;
    /// the tasks are in region order, so a caller that awaits them in turn writes in region order
    /// as soon as a region and the ones before it are done.
    /// </summary>
    public IReadOnlyList<Task<T>> Start<T>(Func<RegionalClient, Task<T>> work, CancellationToken cancellationToken) =>
        [.. _clients.Select(async region =>
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await work(region).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        })];

    public IEnumerator<RegionalClient> GetEnumerator() => _clients.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _gate.Dispose();
    }
}
