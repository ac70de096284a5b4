using System.Text.RegularExpressions;
using Amazon.EC2.Model;

namespace Awsmfa.Ec2;

/// <summary>Shapes of EC2 input, checked before any network call.</summary>
internal static partial class Ec2Rules
{
    public static readonly string[] States = ["pending", "running", "shutting-down", "terminated", "stopping", "stopped"];

    public const string TagHint = "tag keys and values are letters, digits, spaces and _ . : / = + - @ (and * ? as wildcards in values)";

    public const string InstanceIdHint = "an instance id is i- and 8 or 17 hex digits, e.g. i-0123456789abcdef0";

    public static bool IsInstanceId(string value) => InstanceIdPattern().IsMatch(value);

    /// <summary>Parses the AWS CLI's shorthand <c>Name=NAME,Values=A,B</c>.</summary>
    public static bool TryParseFilter(string text, out Filter? filter)
    {
        filter = null;
        var match = FilterPattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var name = match.Groups["name"].Value;
        var values = match.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToList();
        if (!TagPattern().IsMatch(name) || values.Any(v => v.Length is 0 or > 256 || !TagPattern().IsMatch(v)))
        {
            return false;
        }

        filter = new Filter { Name = name, Values = values };
        return true;
    }

    /// <summary><c>KEY=VALUE</c> is the <c>tag:KEY</c> filter; a bare <c>KEY</c> is <c>tag-key</c>.</summary>
    public static bool TryParseTag(string text, out Filter? filter)
    {
        filter = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? text : text[..equals];
        var value = equals < 0 ? string.Empty : text[(equals + 1)..];
        if (key.Trim().Length == 0 || key.Length > 128 || value.Length > 256
            || !TagPattern().IsMatch(key) || (value.Length > 0 && !TagPattern().IsMatch(value)))
        {
            return false;
        }

        filter = equals < 0
            ? new Filter { Name = "tag-key", Values = [key] }
            : new Filter { Name = "tag:" + key, Values = [value] };
        return true;
    }

    // AWS's tag character set, plus the * and ? wildcards that filters accept.
    [GeneratedRegex(@"\A[\p{L}\p{Z}\p{N}_.:/=+\-@*?]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\Ai-([0-9a-f]{8}|[0-9a-f]{17})\z", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceIdPattern();

    [GeneratedRegex(@"\AName=(?<name>[A-Za-z0-9:._/@+-][^,=]{0,254}),Values=(?<values>.{1,4096})\z", RegexOptions.CultureInvariant)]
    private static partial Regex FilterPattern();
}
