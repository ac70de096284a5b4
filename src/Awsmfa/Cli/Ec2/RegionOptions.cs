using System.CommandLine;

namespace Awsmfa.Cli.Ec2;

/// <summary>--all-regions, beside the pipeline's --region a,b,c.</summary>
internal static class RegionOptions
{
    public static Option<bool> AllRegions() => new("--all-regions")
    {
        Description = "Every region enabled for the account (from DescribeRegions), in parallel.",
    };
}
