using System.CommandLine;
using System.Text.RegularExpressions;

namespace Awsmfa.Cli.Eks;

/// <summary>--cluster-name, as both eks commands take it: required, and an EKS cluster's name.</summary>
internal static partial class ClusterNameOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--cluster-name") { Description = "The EKS cluster's name.", HelpName = "NAME", Required = true };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !ClusterNamePattern().IsMatch(value))
            {
                result.AddError("--cluster-name is not valid: an EKS cluster name is 1 to 100 letters, digits, - and _, starting with a letter or digit");
            }
        });
        return option;
    }

    [GeneratedRegex(@"\A[0-9A-Za-z][A-Za-z0-9_-]{0,99}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNamePattern();
}
