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
}
