using System.Text.RegularExpressions;

namespace Awsmfa.Credentials;

/// <summary>Shape checks for values that reach AWS, so bad input fails before any network call.</summary>
internal static partial class InputRules
{
    public const string SerialHint = "an MFA serial is the device's ARN, e.g. arn:aws:iam::123456789012:mfa/alice";
    public const string RegionHint = "a region looks like us-east-1";
    public const string ProfileHint = "a profile name is letters, digits and . _ - @ + (no spaces)";

    // A virtual or FIDO device's ARN (its name may have a path), or a hardware token's serial
    // number; narrower than STS's own [\w+=/:,.@-]{9,256}, which lets through any path-like text.
    public static bool IsMfaSerial(string value) => value.Length <= 256 && SerialPattern().IsMatch(value);

    public static bool IsRegion(string value) => RegionPattern().IsMatch(value);

    public static bool IsProfileName(string value) => ProfilePattern().IsMatch(value);

    public const string RoleArnHint = "a role ARN looks like arn:aws:iam::123456789012:role/admin";
    public const string ExternalIdHint = "an external id is 2 to 1224 letters, digits and + = , . @ : / -";
    public const string SessionNameHint = "a role session name is 2 to 64 letters, digits and + = , . @ -";

    public static bool IsRoleArn(string value) => value.Length <= 2048 && RoleArnPattern().IsMatch(value);

    public static bool IsExternalId(string value) => ExternalIdPattern().IsMatch(value);

    public static bool IsSessionName(string value) => SessionNamePattern().IsMatch(value);

    public static bool TryParseEndpoint(string value, out Uri? endpoint)
    {
        endpoint = Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.UserInfo.Length == 0
            ? uri
            : null;
        return endpoint is not null;
    }

    [GeneratedRegex(@"\A(arn:aws[a-z-]*:iam::[0-9]{12}:(mfa|u2f)/[A-Za-z0-9_+=,.@/-]+|[A-Z0-9]{9,64})\z", RegexOptions.CultureInvariant)]
    private static partial Regex SerialPattern();

    [GeneratedRegex(@"\A[a-z]{2}(-[a-z0-9]+){2,4}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_.@+-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProfilePattern();

    [GeneratedRegex(@"\Aarn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_+=,.@:/-]{2,1224}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ExternalIdPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_+=,.@-]{2,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SessionNamePattern();
}
