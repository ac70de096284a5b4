using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Awsmfa.Platform;

namespace Awsmfa.Aws;

/// <summary>One access key of an IAM user, as ListAccessKeys shows it.</summary>
internal sealed record AccessKeyInfo(string AccessKeyId, string Status, DateTimeOffset? Created);

/// <summary>The three IAM calls of <c>keys rotate</c>, signed with the MFA session.</summary>
internal interface IIamAccessKeys
{
    Task<IReadOnlyList<AccessKeyInfo>> ListAsync(string userName, CancellationToken cancellationToken);

    Task<LongTermCredentials> CreateAsync(string userName, CancellationToken cancellationToken);

    Task DeleteAsync(string userName, string accessKeyId, CancellationToken cancellationToken);
}

/// <summary>
/// IAM's query API over HTTPS, through <see cref="SignedRequests"/> (no AWSSDK.IdentityManagement
/// is served here; the SDK's own signer signs); the answers are IAM's documented XML, read with
/// System.Xml.Linq. IAM is global:
/// one endpoint per partition, signed for its one region; an endpoint configured for IAM (moto,
/// LocalStack: AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, the profile's endpoint_url or [services])
/// replaces it as it does for the SDK's own clients.
/// </summary>
internal sealed class IamAccessKeys(SessionCredentials session, Uri endpoint, string signingRegion, TimeSpan requestTimeout) : IIamAccessKeys
{
    private const string Version = "2010-05-08";
    private static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";

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

    public async Task<IReadOnlyList<AccessKeyInfo>> ListAsync(string userName, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("ListAccessKeys", new() { ["UserName"] = userName }, cancellationToken).ConfigureAwait(false);
        return answer.Descendants(Iam + "AccessKeyMetadata").Elements(Iam + "member")
            .Select(m => new AccessKeyInfo(
                (string?)m.Element(Iam + "AccessKeyId") ?? "",
                (string?)m.Element(Iam + "Status") ?? "",
                DateTimeOffset.TryParse((string?)m.Element(Iam + "CreateDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null))
            .ToList();
    }

    public async Task<LongTermCredentials> CreateAsync(string userName, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("CreateAccessKey", new() { ["UserName"] = userName }, cancellationToken).ConfigureAwait(false);
        var key = answer.Descendants(Iam + "AccessKey").FirstOrDefault();
        var id = (string?)key?.Element(Iam + "AccessKeyId");
        var secret = (string?)key?.Element(Iam + "SecretAccessKey");
        return Credentials.StsAnswer.HasValidKeyShape(id, secret)
            ? new LongTermCredentials(id!, secret!)
            : throw new AwsmfaException(ExitCodes.AwsError, "IAM answered CreateAccessKey without a usable key");
    }

    public Task DeleteAsync(string userName, string accessKeyId, CancellationToken cancellationToken) =>
        CallAsync("DeleteAccessKey", new() { ["UserName"] = userName, ["AccessKeyId"] = accessKeyId }, cancellationToken);

    private async Task<XElement> CallAsync(string action, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        KeyValuePair<string, string>[] form = [new("Action", action), new("Version", Version), .. parameters];
        var answer = await SignedRequests.SendAsync("iam", signingRegion, endpoint, "/", form, session, requestTimeout, cancellationToken).ConfigureAwait(false);
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
        var exitCode = answer.Status is HttpStatusCode.Forbidden || code is "AccessDenied" or "InvalidClientTokenId" or "ExpiredToken" or "SignatureDoesNotMatch"
            ? ExitCodes.AuthenticationRejected
            : ExitCodes.AwsError;
        throw new AwsmfaException(exitCode, $"IAM refused {action}: {Output.Printable.OneLine(code ?? $"HTTP {(int)answer.Status}")}{(text is null ? "" : ": " + Output.Printable.OneLine(text))}");
    }
}
