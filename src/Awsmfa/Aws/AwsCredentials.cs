namespace Awsmfa.Aws;

/// <summary>Temporary credentials, as STS issues them (GetSessionToken, AssumeRole).</summary>
internal sealed record SessionCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration)
{
    public override string ToString() => $"SessionCredentials {{ AccessKeyId = {KeyIds.Mask(AccessKeyId)}, Expiration = {Expiration:O} }}";
}

/// <summary>An IAM user's long-term access keys: the only credentials that may call GetSessionToken.</summary>
internal sealed record LongTermCredentials(string AccessKeyId, string SecretAccessKey)
{
    // Keeps the secret out of any accidental string interpolation or debugger display.
    public override string ToString() => $"LongTermCredentials {{ AccessKeyId = {KeyIds.Mask(AccessKeyId)} }}";
}

internal static partial class KeyIds
{
    /// <summary>An IAM user's access key id (AKIA…), not a session's (ASIA…).</summary>
    public static bool IsLongTerm(string accessKeyId) => LongTermPattern().IsMatch(accessKeyId);

    [System.Text.RegularExpressions.GeneratedRegex(@"\AAKIA[A-Z0-9]{12,124}\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LongTermPattern();

    /// <summary>An access key id as aws-vault shows it: the first and last four characters, enough to tell keys apart.</summary>
    public static string Mask(string accessKeyId) =>
        accessKeyId.Length < 16 ? "****" : $"{accessKeyId[..4]}...{accessKeyId[^4..]}";
}
