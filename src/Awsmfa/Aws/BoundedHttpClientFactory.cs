using System.Net;
using Amazon.Runtime;

namespace Awsmfa.Aws;

/// <summary>
/// HTTP clients that follow no redirect (a 307 would re-send the MFA code to another host; a 302
/// turns a POST into a GET whose answer could pass for credentials) and bound each attempt, the
/// response body included: the SDK's own timeout ends when the headers arrive, so an endpoint
/// that sends headers and then nothing would hang awsmfa and every credential_process caller.
/// </summary>
internal sealed class BoundedHttpClientFactory : HttpClientFactory
{
    public static readonly BoundedHttpClientFactory Instance = new();

    /// <summary>STS answers are a few KB and a page of 1,000 instances a few MB; anything far larger is not AWS.</summary>
    public const long MaxResponseBytes = 64L * 1024 * 1024;

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var timeout = clientConfig.Timeout ?? AwsTarget.DefaultRequestTimeout;
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = timeout,
            MaxResponseHeadersLength = 64,
            UseCookies = false,
        };
        return new HttpClient(new BodyTimeoutHandler(timeout) { InnerHandler = sockets }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "awsmfa-bounded";

    private sealed class BodyTimeoutHandler(TimeSpan timeout) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(timeout);
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
                if ((int)response.StatusCode is >= 300 and < 400)
                {
                    throw new RedirectRefusedException((int)response.StatusCode);
                }

                await response.Content.LoadIntoBufferAsync(MaxResponseBytes, attempt.Token).ConfigureAwait(false);
                return response;
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                response?.Dispose();
                // What HttpClient itself throws on its timeout: the SDK retries it as a timeout.
                throw new TaskCanceledException($"no complete answer within {timeout.TotalSeconds:0.#} s", new TimeoutException(e.Message, e));
            }
            catch
            {
                response?.Dispose();
                throw;
            }
        }
    }
}

/// <summary>An endpoint answered with a redirect, which awsmfa never follows.</summary>
internal sealed class RedirectRefusedException(int status)
    : HttpRequestException($"the endpoint answered with a redirect (HTTP {status})")
{
    public int Status { get; } = status;
}
