using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.SecurityToken;
using Amazon.Util;

namespace Awsmfa.Aws;

/// <summary>What an AWS API answered: its status and body, as text.</summary>
internal sealed record SignedAnswer(HttpStatusCode Status, string Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// Calls to the AWS APIs that have no SDK package in the registry awsmfa is built from
/// (AWSSDK.IdentityManagement, AWSSDK.EKS are not served there): each request is signed by
/// AWSSDK.Core's own SigV4 signers (<see cref="AWS4Signer"/>, <see cref="AWS4PreSignedUrlSigner"/>),
/// never by hand-written signing code, and sent with one bounded HttpClient.
/// </summary>
internal static class SignedRequests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = true });

    /// <param name="resourcePath">The path, already escaped (e.g. <c>/clusters/prod</c>).</param>
    /// <param name="form">A form body (the query APIs: IAM), or null for a GET.</param>
    public static async Task<SignedAnswer> SendAsync(
        string service, string signingRegion, Uri endpoint, string resourcePath, IReadOnlyList<KeyValuePair<string, string>>? form,
        SessionCredentials credentials, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        var request = new DefaultRequest(new UnmodelledCall(), service)
        {
            HttpMethod = form is null ? "GET" : "POST",
            Endpoint = endpoint,
            ResourcePath = resourcePath,
            AuthenticationRegion = signingRegion,
            OverrideSigningServiceName = service,
        };
        if (form is not null)
        {
            request.Content = Encoding.UTF8.GetBytes(Query(form));
            request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        }

        // The SDK's pipeline adds the session token before its signer runs (AWS4Signer alone does
        // not): without it AWS refuses a request signed with temporary keys.
        if (credentials.SessionToken is { Length: > 0 } sessionToken)
        {
            request.Headers["X-Amz-Security-Token"] = sessionToken;
        }

        new AWS4Signer().Sign(request, Config(signingRegion), new RequestMetrics(), Signing(credentials));

        var uri = new Uri(endpoint, resourcePath);
        using var message = new HttpRequestMessage(form is null ? HttpMethod.Get : HttpMethod.Post, uri);
        if (request.Content is { } content)
        {
            message.Content = new ByteArrayContent(content);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        try
        {
            using var response = await Http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            return new SignedAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? "no answer within the request timeout (--request-timeout)" : Output.Printable.OneLine(e.Message);
            throw new AwsmfaException(ExitCodes.AwsError, $"could not reach {service.ToUpperInvariant()}: {why} ({uri.Authority})", e);
        }
    }

    /// <summary>
    /// A presigned GET URL (SigV4 in the query) for <paramref name="endpoint"/> with
    /// <paramref name="parameters"/>, the extra signed <paramref name="headers"/>, and the session's
    /// token in <c>X-Amz-Security-Token</c>, signed at <paramref name="at"/>. Local: no network call.
    /// </summary>
    public static string Presign(
        string service, string region, Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> parameters,
        IReadOnlyList<KeyValuePair<string, string>> headers, SessionCredentials credentials, DateTimeOffset at)
    {
        var request = new DefaultRequest(new UnmodelledCall(), service)
        {
            HttpMethod = "GET",
            Endpoint = endpoint,
            ResourcePath = "/",
            AuthenticationRegion = region,
            OverrideSigningServiceName = service,
            UseQueryString = true,
        };
        foreach (var (name, value) in parameters)
        {
            request.Parameters[name] = value;
        }

        if (credentials.SessionToken is { Length: > 0 } token)
        {
            request.Parameters["X-Amz-Security-Token"] = token;
        }

        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        var signature = AWS4PreSignedUrlSigner.SignRequest(
            request, Config(region), new RequestMetrics(), credentials.AccessKeyId, credentials.SecretAccessKey, service, region, at.UtcDateTime);
        return $"{endpoint.GetLeftPart(UriPartial.Authority)}/?{Query(request.Parameters)}&{signature.ForQueryParameters}";
    }

    /// <summary>
    /// The endpoint the SDK configures for a client of <paramref name="serviceId"/> (its service
    /// id: EKS, IAM): <c>AWS_ENDPOINT_URL_&lt;ID&gt;</c>, <c>AWS_ENDPOINT_URL</c>, the profile's
    /// <c>endpoint_url</c> or its <c>[services]</c> section, unless
    /// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c>; null when none is, for the service's own. Resolved
    /// by the SDK itself: a client config given the service's id reads them exactly as the SDK's
    /// generated clients do (these services have no package here to give one).
    /// </summary>
    public static Uri? ConfiguredEndpoint(string serviceId, string? profile)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        if (profile is not null)
        {
            config.Profile = new Amazon.Profile(profile);
        }

        ((ClientConfig)config).ServiceId = serviceId;
        string? url;
        try
        {
            url = config.ServiceURL;
        }
        catch (AmazonClientException e)
        {
            throw AwsmfaException.Usage($"the configured {serviceId} endpoint is not usable: {Output.Printable.OneLine(e.Message)}");
        }

        return url is null ? null
            : Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri
            : throw AwsmfaException.Usage($"the configured {serviceId} endpoint ({Output.Printable.OneLine(url)}) must be an http(s) URL");
    }

    /// <summary>Long-term keys (an IAM user's own, for IAM self-service) have no token; the SDK's session credentials need one.</summary>
    private static AWSCredentials Signing(SessionCredentials credentials) => credentials.SessionToken is { Length: > 0 } token
        ? new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, token)
        : new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey);

    private static string Query(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => $"{AWSSDKUtils.UrlEncode(p.Key, false)}={AWSSDKUtils.UrlEncode(p.Value, false)}"));

    /// <summary>The signers read the client config only for the region and signing settings; any service's config serves.</summary>
    private static AmazonSecurityTokenServiceConfig Config(string region) => new() { AuthenticationRegion = region };

    /// <summary>The signers take a request object; these APIs have no SDK package here to give one.</summary>
    private sealed class UnmodelledCall : AmazonWebServiceRequest;
}
