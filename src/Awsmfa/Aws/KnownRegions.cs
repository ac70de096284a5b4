using System.Text.RegularExpressions;
using Amazon;
using Awsmfa.Output;

namespace Awsmfa.Aws;

/// <summary>
/// The regions the SDK knows, to tell a typo (us-est-1) from a region newer than the SDK
/// (eu-west-4): a typo is refused before any call, a new region goes through.
/// </summary>
internal static partial class KnownRegions
{
    // The SDK adds every name it is asked for to its table, as "Unknown" (reading a profile with
    // region = us-est-1 does): those are not regions it knows.
    private static readonly Lazy<HashSet<string>> Names = new(() =>
        [.. RegionEndpoint.EnumerableAllRegions.Where(r => r.DisplayName != "Unknown").Select(r => r.SystemName)]);

    public static bool IsKnown(string region) => Names.Value.Contains(region);

    /// <summary>The error for a region that looks like a typo of a known one, else null.</summary>
    public static string? Typo(string region)
    {
        if (Names.Value.Contains(region))
        {
            return null;
        }

        // Another number in a known area (eu-west-4) is how AWS names new regions.
        var numbered = Numbered().Match(region);
        if (numbered.Success && Names.Value.Any(n => n.StartsWith(numbered.Groups["area"].Value + "-", StringComparison.Ordinal)))
        {
            return null;
        }

        return Suggestions.Closest(region, Names.Value) is { } closest
            ? $"unknown region '{Printable.OneLine(region)}' (did you mean {closest}?)"
            : null;
    }

    [GeneratedRegex(@"\A(?<area>[a-z]+(?:-[a-z]+)+)-\d+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Numbered();
}
