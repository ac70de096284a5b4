using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Awsmfa.Aws;
using Awsmfa.Output;

namespace Awsmfa.SignIn;

/// <summary>An AWS partition's sign-in endpoint and console host.</summary>
internal sealed record Partition(string Name, Uri SignInEndpoint, string ConsoleHost)
{
    public static readonly Partition Aws = new("aws", new Uri("https://signin.aws.amazon.com/federation"), "console.aws.amazon.com");
    public static readonly Partition China = new("aws-cn", new Uri("https://signin.amazonaws.cn/federation"), "console.amazonaws.cn");
    public static readonly Partition GovCloud = new("aws-us-gov", new Uri("https://signin.amazonaws-us-gov.com/federation"), "console.amazonaws-us-gov.com");

    /// <summary>The partition of a role ARN (<c>arn:aws-cn:…</c>) when there is one, else of the region.</summary>
    public static Partition For(string? roleArn, string? region)
    {
        var fromArn = roleArn?.Split(':') is [_, var name, ..] ? name : null;
        return fromArn switch
        {
            "aws-cn" => China,
            "aws-us-gov" => GovCloud,
            "aws" => Aws,
            _ when region?.StartsWith("cn-", StringComparison.Ordinal) == true => China,
            _ when region?.StartsWith("us-gov-", StringComparison.Ordinal) == true => GovCloud,
            _ => Aws,
        };
    }

    /// <summary>
    /// Where the console opens: a console path (<c>/s3/buckets</c>), a service's home in the
    /// region (<c>https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1</c>), or the
    /// console home.
    /// </summary>
    public Uri Destination(string? region, string? service, string? path)
    {
        var host = region is null ? ConsoleHost : $"{region}.{ConsoleHost}";
        var query = region is null ? "" : $"?region={region}";
        if (path is not null)
        {
            // The region goes into the query, before any #fragment (/ec2/home#Instances:).
            var hash = path.IndexOf('#', StringComparison.Ordinal);
            var (before, fragment) = hash < 0 ? (path, "") : (path[..hash], path[hash..]);
            var separator = before.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            var withRegion = region is null || before.Contains("region=", StringComparison.Ordinal) ? before : before + separator + $"region={region}";
            return new Uri($"https://{host}{withRegion}{fragment}");
        }

        return new Uri($"https://{host}/{service ?? "console"}/home{query}");
    }
}

/// <summary>
/// The console sign-in with temporary credentials, as AWS documents it: the federation
/// endpoint's <c>getSigninToken</c> turns role or federation credentials into a sign-in token
/// (valid 15 minutes), and a <c>login</c> URL with it opens the console at the destination.
/// </summary>
internal static class ConsoleSignIn
{
    public const string EndpointVariable = "AWSMFA_SIGNIN_ENDPOINT";
    private const int MaxAnswerBytes = 64 * 1024;

    /// <param name="sessionDuration">How long the console session lasts (role credentials only; the endpoint refuses it for federation credentials).</param>
    public static async Task<string> GetSigninTokenAsync(Uri endpoint, SessionCredentials credentials, int? sessionDuration, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var session = JsonSerializer.Serialize(
            new SignInSession(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), SignInJsonContext.Default.SignInSession);
        var query = "Action=getSigninToken"
            + (sessionDuration is { } seconds ? $"&SessionDuration={seconds}" : "")
            + "&Session=" + Uri.EscapeDataString(session);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = timeout })
        {
            Timeout = timeout,
            MaxResponseContentBufferSize = MaxAnswerBytes,
        };
        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.GetAsync(new Uri(endpoint + "?" + query), cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"could not reach the sign-in endpoint {endpoint.Host}: {Printable.OneLine(e is TaskCanceledException ? "no answer within the request timeout" : e.Message)}", e);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // Its answer is HTML or text about the credentials; the status says enough, and nothing of it is a secret to echo.
                throw new AwsmfaException(
                    ExitCodes.AwsError,
                    $"the sign-in endpoint {endpoint.Host} refused the credentials (HTTP {(int)response.StatusCode}): it takes role or federation credentials, within their lifetime");
            }
        }

        SignInToken? answer;
        try
        {
            answer = JsonSerializer.Deserialize(body, SignInJsonContext.Default.SignInToken);
        }
        catch (JsonException)
        {
            answer = null;
        }

        return answer?.SigninToken is { Length: > 0 and < 8192 } token && token.All(c => c > ' ' && c < 127)
            ? token
            : throw new AwsmfaException(ExitCodes.AwsError, $"the sign-in endpoint {endpoint.Host} answered something that is not a sign-in token");
    }

    /// <summary>The URL that signs in and opens <paramref name="destination"/>; it holds the token, so it is printed only where asked.</summary>
    public static Uri LoginUrl(Uri endpoint, string token, Uri destination) =>
        new(endpoint + "?Action=login&Issuer=awsmfa&Destination=" + Uri.EscapeDataString(destination.AbsoluteUri) + "&SigninToken=" + Uri.EscapeDataString(token));
}

internal sealed record SignInSession(
    [property: JsonPropertyName("sessionId")] string SessionId,
    [property: JsonPropertyName("sessionKey")] string SessionKey,
    [property: JsonPropertyName("sessionToken")] string SessionToken);

internal sealed record SignInToken(string? SigninToken);

[JsonSerializable(typeof(SignInSession))]
[JsonSerializable(typeof(SignInToken))]
internal sealed partial class SignInJsonContext : JsonSerializerContext;
