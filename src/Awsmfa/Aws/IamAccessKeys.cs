using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.SecurityToken;
using Amazon.Util;
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
/// IAM's query API over HTTPS. The registry served here has no AWSSDK.IdentityManagement, so the
/// three calls are built here and signed by AWSSDK.Core's own SigV4 signer (<see cref="AWS4Signer"/>),
/// never by hand; the answers are IAM's documented XML, read with System.Xml.Linq. IAM is global:
/// one endpoint per partition, signed for its one region; AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL
/// (moto, LocalStack) replace it as they do for the SDK's own clients.
/// </summary>
internal sealed class IamAccessKeys(SessionCredentials session, Uri endpoint, string signingRegion, TimeSpan requestTimeout) : IIamAccessKeys
{
    private const string Version = "2010-05-08";
    private static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";

    /// <summary>IAM's endpoint and signing region for a partition (from the user's ARN), unless the environment names another endpoint.</summary>
    public static (Uri Endpoint, string Region) EndpointFor(string partition, IEnvironment environment)
    {
        var (endpoint, region) = partition switch
        {
            "aws-cn" => ("https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            "aws-us-gov" => ("https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
            _ => ("https://iam.amazonaws.com", "us-east-1"),
        };
        var configured = environment.Get("AWS_ENDPOINT_URL_IAM") is { Length: > 0 } iam ? iam : environment.Get("AWS_ENDPOINT_URL");
        if (configured is { Length: > 0 })
        {
            return Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? (uri, region)
                : throw AwsmfaException.Usage("AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL must be an http(s) URL");
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
        var request = new DefaultRequest(new IamCall(), "IAM")
        {
            HttpMethod = "POST",
            Endpoint = endpoint,
            AuthenticationRegion = signingRegion,
            OverrideSigningServiceName = "iam",
        };
        request.Parameters["Action"] = action;
        request.Parameters["Version"] = Version;
        foreach (var (name, value) in parameters)
        {
            request.Parameters[name] = value;
        }

        request.Content = Encoding.UTF8.GetBytes(string.Join('&', request.Parameters.Select(p => $"{AWSSDKUtils.UrlEncode(p.Key, false)}={AWSSDKUtils.UrlEncode(p.Value, false)}")));
        request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        var config = new AmazonSecurityTokenServiceConfig { AuthenticationRegion = signingRegion };
        new AWS4Signer().Sign(request, config, new RequestMetrics(), new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken));

        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(request.Content) };
        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await Http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"IAM could not be reached ({endpoint.Host}): {Output.Printable.OneLine(e is OperationCanceledException ? "no answer in time" : e.Message)}", e);
        }

        using (response)
        {
            XElement? document = null;
            try
            {
                document = XElement.Parse(body);
            }
            catch (System.Xml.XmlException)
            {
            }

            if (response.IsSuccessStatusCode && document is not null)
            {
                return document;
            }

            var code = (string?)document?.Descendants(Iam + "Code").FirstOrDefault() ?? (string?)document?.Descendants("Code").FirstOrDefault();
            var text = (string?)document?.Descendants(Iam + "Message").FirstOrDefault() ?? (string?)document?.Descendants("Message").FirstOrDefault();
            var exitCode = response.StatusCode is HttpStatusCode.Forbidden || code is "AccessDenied" or "InvalidClientTokenId" or "ExpiredToken" or "SignatureDoesNotMatch"
                ? ExitCodes.AuthenticationRejected
                : ExitCodes.AwsError;
            throw new AwsmfaException(exitCode, $"IAM refused {action}: {Output.Printable.OneLine(code ?? $"HTTP {(int)response.StatusCode}")}{(text is null ? "" : ": " + Output.Printable.OneLine(text))}")
            {
            };
        }
    }

    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = true });

    /// <summary>The signer takes a request object; IAM has no SDK package here to give one.</summary>
    private sealed class IamCall : AmazonWebServiceRequest;
}
