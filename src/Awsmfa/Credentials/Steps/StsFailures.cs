using Amazon.Runtime;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// What STS's answers mean to the user, in one place for every STS step (as
/// <see cref="Ec2.Ec2Errors"/> is for EC2): the code and the device, the keys, the request, then
/// the failures common to every service (<see cref="AwsErrors"/>).
/// </summary>
internal static class StsFailures
{
    public static AwsmfaException ForSessionToken(Exception e, string mfaSerial, string accessKeyId)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (RejectedCode(e, mfaSerial) is { } rejected)
        {
            return rejected;
        }

        if (message.Contains("GetSessionToken with session credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.UsageError,
                $"access key {KeyIds.Mask(accessKeyId)} belongs to a session; GetSessionToken needs an IAM user's long-term access key",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "ValidationError" })
        {
            return new AwsmfaException(ExitCodes.UsageError, $"STS rejected the request as invalid: {message}", e);
        }

        return AwsErrors.Map("STS", e);
    }

    /// <summary>STS's answers about the MFA code or device, the same for GetSessionToken and AssumeRole with a code.</summary>
    public static AwsmfaException? RejectedCode(Exception e, string mfaSerial)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (message.Contains("invalid MFA one time pass code", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                "STS rejected the MFA code: it is wrong, expired or was already used. Wait for the next code; if that fails too, check the device's clock",
                e)
            {
                CodeRejected = true,
            };
        }

        if (message.Contains("unable to validate MFA code", StringComparison.OrdinalIgnoreCase)
            || (message.Contains("MultiFactorAuthentication", StringComparison.OrdinalIgnoreCase) && message.Contains("serial", StringComparison.OrdinalIgnoreCase)))
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                $"STS could not check the code against MFA device {mfaSerial}: is that the ARN of this user's device? (--serial-number, AWSMFA_SERIAL_NUMBER or mfa_serial)",
                e);
        }

        return null;
    }

    public static AwsmfaException ForAssumeRole(Exception e, string roleArn, string? mfaSerial, string rootProfile)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (mfaSerial is { } serial && RejectedCode(e, serial) is { } rejected)
        {
            return rejected;
        }

        if (e is AmazonServiceException { ErrorCode: "AccessDenied" })
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                $"STS refused to let you assume {roleArn} (AccessDenied): the role's trust policy does not allow this user, or requires MFA or an external id that was not given; the MFA session stays cached",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "ValidationError" } && message.Contains("chaining", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.UsageError,
                $"STS refused the session length of {roleArn}: a role assumed with another role's credentials lasts at most 1h (role chaining); ask for 1h or less",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "ValidationError" })
        {
            return new AwsmfaException(ExitCodes.UsageError, $"STS rejected the AssumeRole request for {roleArn} as invalid: {message}", e);
        }

        if (e is AmazonServiceException { ErrorCode: "InvalidClientTokenId" })
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                $"STS rejected the credentials used to assume {roleArn} (InvalidClientTokenId): the cached MFA session or role below it was revoked; run awsmfa session clear --profile {rootProfile} and try again",
                e);
        }

        return AwsErrors.Map("STS", e);
    }

    /// <summary>GetCallerIdentity (whoami, keys rotate, the federation name): nothing of it is the user's input.</summary>
    public static AwsmfaException ForCallerIdentity(Exception e) => AwsErrors.Map("STS", e);
}
