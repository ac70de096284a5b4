using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace Awsmfa.Aws;

/// <summary>Turns what the SDK throws into one line a person can act on, with the right exit code.</summary>
internal static class AwsErrors
{
    // FormatException and XmlException: a body that is not the XML AWS sends (an HTML error
    // page, a hostile endpoint) is an answer AWS did not give, not a bug in awsmfa.
    public static bool IsAwsFailure(Exception e) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or SocketException or IOException or TimeoutException
            or FormatException or System.Xml.XmlException or InvalidDataException or NotAnAwsAnswerException
        || (e is TaskCanceledException && e.InnerException is TimeoutException);

    /// <summary>Failures common to every service: throttling, outages, the network.</summary>
    public static AwsmfaException Map(string service, Exception e)
    {
        if (Innermost(e) is RedirectRefusedException redirect)
        {
            // A redirect could send the MFA code or a signed request elsewhere: never followed.
            return new AwsmfaException(ExitCodes.AwsError, $"{service} answered with a redirect (HTTP {redirect.Status}), which awsmfa does not follow; check the endpoint (--endpoint-url, AWS_ENDPOINT_URL, endpoint_url)", e);
        }

        switch (e)
        {
            case NotAnAwsAnswerException answer:
                var at = answer.Host is { } answerHost ? $" from {OneLine(answerHost)}" : "";
                return new AwsmfaException(ExitCodes.AwsError, answer.Status is { } status
                    ? $"{service} answered HTTP {status}{at} with a body that is not an AWS error; is the endpoint right (--endpoint-url, AWS_ENDPOINT_URL, endpoint_url)?"
                    : $"{service} sent an answer{at} larger than {BoundedHttpClientFactory.MaxResponseBytes / 1024 / 1024} MiB, which no AWS answer is; is the endpoint right (--endpoint-url, AWS_ENDPOINT_URL, endpoint_url)?", e);
            case AmazonServiceException clock when IsClockSkew(clock):
                return new AwsmfaException(ExitCodes.AuthenticationRejected, $"{service} rejected the request's timestamp ({ErrorCode(e)}): this computer's clock is off by minutes; set it right (e.g. timedatectl set-ntp true) and try again", e);
            case AmazonServiceException { ErrorCode: "InvalidClientTokenId" or "UnrecognizedClientException" }:
                return new AwsmfaException(ExitCodes.AuthenticationRejected, $"{service} rejected the access key: it is wrong, deleted or disabled ({ErrorCode(e)})", e);
            case AmazonServiceException { ErrorCode: "SignatureDoesNotMatch" }:
                return new AwsmfaException(ExitCodes.AuthenticationRejected, $"{service} rejected the request signature: the secret access key does not match the access key (SignatureDoesNotMatch)", e);
            case AmazonServiceException { ErrorCode: "ExpiredToken" or "ExpiredTokenException" }:
                return new AwsmfaException(ExitCodes.AuthenticationRejected, $"{service} says the credentials or the request have expired ({ErrorCode(e)}); run again with --refresh, and check the clock", e);
            case AmazonServiceException { ErrorCode: "Throttling" or "ThrottlingException" or "RequestLimitExceeded" }:
                return new AwsmfaException(ExitCodes.AwsError, $"{service} is throttling requests ({ErrorCode(e)}) and retries did not get through; try again in a moment", e);
            case AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } service5xx:
                return new AwsmfaException(ExitCodes.AwsError, $"{service} failed with HTTP {(int)service5xx.StatusCode} ({ErrorCode(e)}); try again later", e);
            case AmazonServiceException other:
                return new AwsmfaException(ExitCodes.AwsError, $"{service} error {ErrorCode(other)}: {OneLine(other.Message)}", e);
            case TimeoutException or TaskCanceledException:
                var from = e is EndpointTimeoutException { Host: { } host } ? $" from {OneLine(host)}" : "";
                return new AwsmfaException(ExitCodes.AwsError, $"could not reach {service}: no answer{from} within the request timeout, after retries (--request-timeout)", e);
            case FormatException or System.Xml.XmlException or InvalidDataException:
                return new AwsmfaException(ExitCodes.AwsError, $"{service} answered something that is not an AWS response ({e.GetType().Name}); is the endpoint right?", e);
            default:
                return Innermost(e) is System.Xml.XmlException or FormatException
                    ? new AwsmfaException(ExitCodes.AwsError, $"{service} answered something that is not an AWS response; is the endpoint right?", e)
                    : new AwsmfaException(ExitCodes.AwsError, $"could not reach {service}: {OneLine(Unreachable(e))}", e);
        }
    }

    // AWS signs requests with the local time and refuses those more than 5 minutes off.
    private static bool IsClockSkew(AmazonServiceException e) =>
        e.ErrorCode is "RequestExpired" or "RequestTimeTooSkewed" or "RequestInTheFuture"
        || (e.Message ?? string.Empty).Contains("Signature expired", StringComparison.OrdinalIgnoreCase)
        || (e.Message ?? string.Empty).Contains("Signature not yet current", StringComparison.OrdinalIgnoreCase);

    public static string ErrorCode(Exception e) => e is AmazonServiceException { ErrorCode: { Length: > 0 } code } ? OneLine(code) : e.GetType().Name;

    /// <summary>What the endpoint said, safe for a terminal: one line, no control characters or escape sequences.</summary>
    public static string OneLine(string? message) => Output.Printable.OneLine(message);

    /// <summary>
    /// Why the endpoint could not be reached, naming it: .NET's HttpRequestException says
    /// "Connection refused (host:port)", while the socket error inside it names no host.
    /// </summary>
    private static string Unreachable(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is HttpRequestException { Message: { } message } && message.Contains('(', StringComparison.Ordinal) && message.EndsWith(')'))
            {
                return message;
            }
        }

        return Innermost(e).Message;
    }

    private static Exception Innermost(Exception e)
    {
        // The SDK wraps transport failures; the innermost one names the real cause
        // ("Connection refused", "Name or service not known").
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
