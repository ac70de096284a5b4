using Amazon.EC2.Model;
using Awsmfa.Aws;

namespace Awsmfa.Ec2;

/// <summary>
/// Follows DescribeInstances' NextToken, but not forever: an endpoint that answers the same
/// token again, or pages without end, would otherwise keep awsmfa busy (and growing) for ever.
/// </summary>
internal static class Paging
{
    /// <summary>10,000 pages of up to 1,000 instances: more than any account holds.</summary>
    public const int MaxPages = 10_000;

    /// <summary>The token for the next page, or null when there is none.</summary>
    public static string? Next(string? sent, string? answered, int pagesSoFar)
    {
        if (string.IsNullOrEmpty(answered))
        {
            return null;
        }

        if (answered == sent || pagesSoFar >= MaxPages)
        {
            throw new AwsmfaException(ExitCodes.AwsError, "EC2 kept answering with more pages (the same NextToken again, or too many); is the endpoint right?");
        }

        return answered;
    }

    /// <summary>
    /// Every page of DescribeInstances in one region, each handed to <paramref name="page"/> as it
    /// arrives. <paramref name="request"/> is the caller's own: its NextToken is advanced.
    /// </summary>
    /// <param name="regionInErrors">Prefix errors with the region (a command that spans several, and does not say it itself).</param>
    public static async Task EachPageAsync(
        RegionalClient region, DescribeInstancesRequest request, Func<List<InstanceRow>, Task> page, bool regionInErrors, CancellationToken cancellationToken)
    {
        var pages = 0;
        do
        {
            DescribeInstancesResponse response;
            try
            {
                response = await AwsCall.RunAsync(region.Target, region.Client, token => region.Client.DescribeInstancesAsync(request, token), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Ec2Errors.Map(e, regionInErrors ? region.Region : null);
            }

            await page([.. (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(i => InstanceRow.From(i, region.Region))]).ConfigureAwait(false);
            request.NextToken = Next(request.NextToken, response.NextToken, ++pages);
        }
        while (request.NextToken is not null);
    }
}
