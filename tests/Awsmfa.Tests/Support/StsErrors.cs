using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace Awsmfa.Tests.Support;

/// <summary>The errors STS really answers with (codes and messages as AWS sends them).</summary>
internal static class StsErrors
{
    public static Exception InvalidCode() => Service(
        "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ", HttpStatusCode.Forbidden);

    public static Exception WrongSerial() => Service(
        "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.", HttpStatusCode.Forbidden);

    public static Exception InvalidClientTokenId() => Service(
        "InvalidClientTokenId", "The security token included in the request is invalid.", HttpStatusCode.Forbidden);

    public static Exception SignatureDoesNotMatch() => Service(
        "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.", HttpStatusCode.Forbidden);

    public static Exception SessionCredentials() => Service(
        "AccessDenied", "Cannot call GetSessionToken with session credentials", HttpStatusCode.Forbidden);

    public static Exception Validation() => Service(
        "ValidationError", "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint", HttpStatusCode.BadRequest);

    public static Exception RoleAccessDenied() => Service(
        "AccessDenied", "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/admin", HttpStatusCode.Forbidden);

    public static Exception ChainingTooLong() => Service(
        "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", HttpStatusCode.BadRequest);

    public static Exception Throttling() => Service("Throttling", "Rate exceeded", HttpStatusCode.BadRequest);

    public static Exception ServiceUnavailable() => Service("ServiceUnavailable", "Service Unavailable", HttpStatusCode.ServiceUnavailable);

    public static Exception SignatureExpired() => Service(
        "SignatureDoesNotMatch", "Signature expired: 20261128T120000Z is now earlier than 20261128T121500Z (20261128T122000Z - 5 min.)", HttpStatusCode.Forbidden);

    public static Exception Unreachable() =>
        new HttpRequestException("Connection refused (127.0.0.1:9)", new System.Net.Sockets.SocketException(111));

    private static AmazonSecurityTokenServiceException Service(string code, string message, HttpStatusCode status) =>
        new(message, ErrorType.Sender, code, "req-1", status);
}
