using System.Net;
using System.Xml.Linq;

namespace Awsmfa.Aws;

/// <summary>
/// IAM's query API over HTTPS, through <see cref="SignedRequests"/> (no AWSSDK.IdentityManagement
/// is served here; the SDK's own signer signs); the answers are IAM's documented XML, read with
/// System.Xml.Linq. IAM is global: one endpoint per partition, signed for its one region; an
/// endpoint configured for IAM (moto, LocalStack: AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, the
/// profile's endpoint_url or [services]) replaces it as it does for the SDK's own clients.
/// </summary>
internal sealed class IamQuery(SessionCredentials credentials, Uri endpoint, string signingRegion, TimeSpan requestTimeout)
{
    private const string Version = "2010-05-08";

    public static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";

    /// <summary>IAM's endpoint and signing region for a partition (from the user's ARN), unless one is configured for IAM.</summary>
    public static (Uri Endpoint, string Region) EndpointFor(string partition, string? profile)
    {
        var (endpoint, region) = partition switch
        {
            "aws-cn" => ("https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            "aws-us-gov" => ("https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
            _ => ("https://iam.amazonaws.com", "us-east-1"),
        };
        if (SignedRequests.ConfiguredEndpoint("IAM", profile) is { } configured)
        {
            return (configured, region);
        }

        return (new Uri(endpoint), region);
    }

    /// <summary>IAM for a target: --endpoint-url, else the endpoint configured for IAM as the SDK reads it, else the partition's IAM.</summary>
    public static IamQuery For(SessionCredentials credentials, string partition, AwsTarget target)
    {
        var (endpoint, region) = EndpointFor(partition, target.Profile);
        return new IamQuery(credentials, target.EndpointUrl ?? endpoint, region, target.RequestTimeout);
    }

    /// <summary>
    /// One call; IAM's answer as XML. A refusal is one line naming the action and IAM's code, exit 3
    /// for a permission or credentials problem (and <see cref="AwsmfaException.CodeRejected"/> when
    /// IAM refused the MFA codes), exit 1 otherwise.
    /// </summary>
    public async Task<XElement> CallAsync(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        KeyValuePair<string, string>[] form = [new("Action", action), new("Version", Version), .. parameters];
        var answer = await SignedRequests.SendAsync("iam", signingRegion, endpoint, "/", form, credentials, requestTimeout, cancellationToken).ConfigureAwait(false);
        XElement? document = null;
        try
        {
            document = XElement.Parse(answer.Body);
        }
        catch (System.Xml.XmlException)
        {
        }

        if (answer.IsSuccess && document is not null)
        {
            return document;
        }

        var code = (string?)document?.Descendants(Iam + "Code").FirstOrDefault() ?? (string?)document?.Descendants("Code").FirstOrDefault();
        var text = (string?)document?.Descendants(Iam + "Message").FirstOrDefault() ?? (string?)document?.Descendants("Message").FirstOrDefault();
        var exitCode = answer.Status is HttpStatusCode.Forbidden || code is "AccessDenied" or "InvalidClientTokenId" or "ExpiredToken" or "SignatureDoesNotMatch" or "InvalidAuthenticationCode"
            ? ExitCodes.AuthenticationRejected
            : ExitCodes.AwsError;
        throw new AwsmfaException(exitCode, $"IAM refused {action}: {Output.Printable.OneLine(code ?? $"HTTP {(int)answer.Status}")}{(text is null ? "" : ": " + Output.Printable.OneLine(text))}")
        {
            CodeRejected = code == "InvalidAuthenticationCode",
            Data = { [ErrorCodeKey] = code },
        };
    }

    /// <summary>Where the refusal's IAM error code is kept in <see cref="Exception.Data"/>.</summary>
    public const string ErrorCodeKey = "IamErrorCode";

    /// <summary>IAM's error code of a refusal <see cref="CallAsync"/> raised, or null.</summary>
    public static string? ErrorCode(AwsmfaException e) => e.Data[ErrorCodeKey] as string;
}
