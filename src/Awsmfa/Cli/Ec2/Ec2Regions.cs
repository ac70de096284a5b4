using System.CommandLine;
using Amazon.EC2.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Ec2;

namespace Awsmfa.Cli.Ec2;

/// <summary>--region a,b,c and --all-regions: one EC2 client per region, all from the same session.</summary>
internal static class Ec2Regions
{
    /// <summary>At most this many regions are asked at once: every enabled region of an account, so the wall time is the slowest region's.</summary>
    public const int Concurrency = 32;

    public static Option<bool> AllRegionsOption() => new("--all-regions")
    {
        Description = "Every region enabled for the account (from DescribeRegions), in parallel.",
    };

    /// <summary>The clients: one with no region name for a one-region command, else one per region in a stable order.</summary>
    public static async Task<List<RegionalClient>> ClientsAsync(
        AppServices services, SessionRequest request, ServedCredentials served, IReadOnlyList<string> named, bool all, CancellationToken cancellationToken)
    {
        if (!all && named.Count <= 1)
        {
            return [new RegionalClient(null, services.AwsClients.CreateEc2(served.Credentials, request.Target), request.Target)];
        }

        var regions = named;
        if (all)
        {
            // DescribeRegions answers in any region; the resolved one, else the SDK's usual first.
            var home = request.Target with { Region = request.Target.Region ?? "us-east-1" };
            using var ec2 = services.AwsClients.CreateEc2(served.Credentials, home);
            DescribeRegionsResponse response;
            try
            {
                response = await AwsCall.RunAsync(home, token => ec2.DescribeRegionsAsync(new DescribeRegionsRequest { AllRegions = false }, token), cancellationToken).ConfigureAwait(false);
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

        return [.. regions.Select(region =>
        {
            var target = request.Target with { Region = region };
            return new RegionalClient(region, services.AwsClients.CreateEc2(served.Credentials, target), target);
        })];
    }
}
