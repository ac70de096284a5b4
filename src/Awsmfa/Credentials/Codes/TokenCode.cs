namespace Awsmfa.Credentials;

internal static class TokenCode
{
    public const string FormatHint = "an MFA code is 6 digits, e.g. 123456";

    /// <summary>Trims and checks a code: exactly six ASCII digits (not other scripts' digits).</summary>
    public static bool TryNormalize(string? raw, out string code)
    {
        code = raw?.Trim() ?? string.Empty;
        return code.Length == 6 && code.All(char.IsAsciiDigit);
    }
}
