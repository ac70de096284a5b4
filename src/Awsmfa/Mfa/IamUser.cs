namespace Awsmfa.Mfa;

/// <summary>An IAM user, as STS GetCallerIdentity names the owner of a key: the one whose MFA devices the <c>mfa</c> commands manage.</summary>
internal sealed record IamUser(string Name, string Account, string Partition, string Arn)
{
    /// <summary>The user of an IAM user ARN (<c>arn:aws:iam::123456789012:user/path/alice</c>); null for a role, a federated user or the account's root.</summary>
    public static IamUser? FromArn(string arn) =>
        arn.Split(':', 6) is ["arn", var partition, "iam", "", var account, var resource] && resource.StartsWith("user/", StringComparison.Ordinal)
            ? new IamUser(resource[(resource.LastIndexOf('/') + 1)..], account, partition, arn)
            : null;
}

/// <summary>What kind of device a serial names.</summary>
internal enum MfaDeviceType
{
    /// <summary>An authenticator app (<c>arn:aws:iam::ACCOUNT:mfa/NAME</c>).</summary>
    Virtual,

    /// <summary>A hardware TOTP token (its serial number, not an ARN).</summary>
    Hardware,

    /// <summary>A passkey or FIDO security key (<c>arn:aws:iam::ACCOUNT:u2f/…</c>): no codes, so no GetSessionToken.</summary>
    Passkey,
}

internal static class MfaDeviceTypes
{
    public static MfaDeviceType Of(string serial) =>
        serial.Contains(":u2f/", StringComparison.Ordinal) ? MfaDeviceType.Passkey
        : serial.StartsWith("arn:", StringComparison.Ordinal) ? MfaDeviceType.Virtual
        : MfaDeviceType.Hardware;

    /// <summary>The TYPE column: virtual, hardware TOTP, passkey/security key.</summary>
    public static string Word(MfaDeviceType type) => type switch
    {
        MfaDeviceType.Virtual => "virtual",
        MfaDeviceType.Hardware => "hardware TOTP",
        _ => "passkey/security key",
    };

    /// <summary>GetSessionToken (and so awsmfa's MFA sessions) takes codes: TOTP devices only.</summary>
    public static bool GivesCodes(MfaDeviceType type) => type != MfaDeviceType.Passkey;

    /// <summary>A virtual device's name, as IAM takes it: 1 to 226 of letters, digits and + = , . @ - _.</summary>
    public static bool IsDeviceName(string name) =>
        name.Length is >= 1 and <= 226 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '-' or '_');
}
