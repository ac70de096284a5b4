using Amazon.EC2;
using Awsmfa.Aws;

namespace Awsmfa.Ec2;

internal static class Ec2Errors
{
    public const string MfaPolicyHint =
        "if the IAM policy requires MFA (aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge), get a fresh session with --refresh";

    /// <summary>As <see cref="Map(Exception)"/>, the message prefixed with the region when a command spans several.</summary>
    public static AwsmfaException Map(Exception e, string? region)
    {
        var mapped = Map(e);
        return region is null ? mapped : new AwsmfaException(mapped.ExitCode, $"{region}: {mapped.Message}", e);
    }

    public static AwsmfaException Map(Exception e) => e switch
    {
        AmazonEC2Exception { ErrorCode: "UnauthorizedOperation" } => new AwsmfaException(
            ExitCodes.AuthenticationRejected, $"EC2 refused: this session is not authorized for the operation (UnauthorizedOperation); {MfaPolicyHint}", e),
        AmazonEC2Exception { ErrorCode: "AuthFailure" } => new AwsmfaException(
            ExitCodes.AuthenticationRejected, "EC2 rejected the session credentials (AuthFailure); run again with --refresh", e),
        AmazonEC2Exception { ErrorCode: "InvalidParameterValue" or "InvalidInstanceID.Malformed" or "InvalidFilter" } ec2 => new AwsmfaException(
            ExitCodes.UsageError, $"EC2 rejected the request as invalid ({ec2.ErrorCode}): {AwsErrors.OneLine(ec2.Message)}", e),
        _ => AwsErrors.Map("EC2", e),
    };
}
