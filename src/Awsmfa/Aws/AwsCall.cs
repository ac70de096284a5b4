using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.SecurityToken.Model;

namespace Awsmfa.Aws;

/// <summary>Bounds one AWS call, every attempt included, whatever the SDK or the endpoint does.</summary>
internal static class AwsCall
{
    /// <param name="client">The client <paramref name="call"/> uses: a timeout names the host it was sending to.</param>
    public static async Task<T> RunAsync<T>(AwsTarget target, IAmazonService client, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(target.CallDeadline);
        try
        {
            // WaitAsync as well as the token: a call blocked in a read that ignores the token
            // must still give the user back the prompt.
            return await call(deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // Ours or the SDK's own per-attempt timeout: either way the endpoint did not answer.
            throw new EndpointTimeoutException(HostOf(client), $"no answer within {target.CallDeadline.TotalSeconds:0} s", e);
        }
        catch (AmazonServiceException e) when (string.IsNullOrEmpty(e.ErrorCode))
        {
            // An error body that is no AWS error (a proxy's HTML page, a hostile endpoint): the
            // SDK's message quotes it raw, so only its status and the host are kept.
            throw new NotAnAwsAnswerException(HostOf(client), (int)e.StatusCode, e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new NotAnAwsAnswerException(HostOf(client), null, e);
        }
    }

    /// <summary>The host (and port) a client sends its requests to, as the SDK resolves it; null when it cannot say.</summary>
    public static string? HostOf(IAmazonService client)
    {
        try
        {
            // Endpoint rules of STS and EC2 do not depend on the operation: any request of the service does.
            AmazonWebServiceRequest request = client is IAmazonEC2 ? new DescribeRegionsRequest() : new GetCallerIdentityRequest();
            var url = client.Config?.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(request))?.URL;
            return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : null;
        }
#pragma warning disable CA1031 // Only a message depends on it: a client that cannot say (a test double) names no host.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}

/// <summary>An AWS endpoint gave no answer in time; <see cref="Host"/> names it when known.</summary>
internal sealed class EndpointTimeoutException(string? host, string message, Exception inner) : TimeoutException(message, inner)
{
    public string? Host { get; } = host;
}

/// <summary>
/// An endpoint answered with something no AWS service sends: an error body that is not an AWS
/// error (<see cref="Status"/>), or an answer larger than any AWS answer (null status).
/// </summary>
internal sealed class NotAnAwsAnswerException(string? host, int? status, Exception inner)
    : Exception(status is { } code ? $"HTTP {code} with a body that is not an AWS error" : "an answer larger than any AWS answer", inner)
{
    public string? Host { get; } = host;

    public int? Status { get; } = status;
}
