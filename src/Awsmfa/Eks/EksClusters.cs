using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Awsmfa.Aws;
using Awsmfa.Platform;

namespace Awsmfa.Eks;

/// <summary>What <c>update-kubeconfig</c> needs of a cluster.</summary>
internal sealed record EksCluster(string Name, string Arn, string Endpoint, string CertificateAuthorityData);

/// <summary>EKS DescribeCluster; tests give their own.</summary>
internal interface IEksClusters
{
    Task<EksCluster> DescribeAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// EKS's REST API (<c>GET /clusters/NAME</c>) through <see cref="SignedRequests"/>: no AWSSDK.EKS is
/// served here, so the one call is signed by the SDK's own SigV4 signer. The endpoint is
/// <c>--endpoint-url</c>, else the one configured for EKS as the SDK reads it, else the region's.
/// </summary>
internal sealed class EksClusters(SessionCredentials credentials, AwsTarget target) : IEksClusters
{
    public async Task<EksCluster> DescribeAsync(string name, CancellationToken cancellationToken)
    {
        var region = target.Region!;
        var endpoint = target.EndpointUrl
            ?? SignedRequests.ConfiguredEndpoint("EKS", target.Profile)
            ?? new Uri(region.StartsWith("cn-", StringComparison.Ordinal) ? $"https://eks.{region}.amazonaws.com.cn" : $"https://eks.{region}.amazonaws.com");
        var answer = await SignedRequests.SendAsync("eks", region, endpoint, "/clusters/" + Uri.EscapeDataString(name), null, credentials, target.RequestTimeout, cancellationToken).ConfigureAwait(false);
        DescribeClusterJson? document = null;
        try
        {
            document = JsonSerializer.Deserialize(answer.Body, EksJsonContext.Default.DescribeClusterJson);
        }
        catch (JsonException)
        {
        }

        if (!answer.IsSuccess)
        {
            var code = document?.Code ?? answer.Status.ToString();
            var exitCode = answer.Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized ? ExitCodes.AuthenticationRejected : ExitCodes.AwsError;
            throw answer.Status == HttpStatusCode.NotFound
                ? new AwsmfaException(ExitCodes.AwsError, $"no EKS cluster named '{name}' in {region} (another region: --region REGION)")
                : new AwsmfaException(exitCode, $"EKS refused DescribeCluster: {Output.Printable.OneLine(code)}{(document?.Message is { } m ? ": " + Output.Printable.OneLine(m) : "")}");
        }

        return document?.Cluster is { Name: { } clusterName, Arn: { } arn, Endpoint: { } server, CertificateAuthority.Data: { } authority }
            ? Checked(name, new EksCluster(clusterName, arn, server, authority))
            : throw new AwsmfaException(ExitCodes.AwsError, $"EKS answered DescribeCluster for '{name}' without an endpoint and certificate authority (is the cluster still being created?)");
    }

    /// <summary>
    /// What goes into the kubeconfig is what kubectl will trust: the answer must be for the cluster
    /// asked, reached over https, with a certificate authority that is a PEM certificate. Anything
    /// else (a proxy, a wrong endpoint) is refused and nothing is written.
    /// </summary>
    private static EksCluster Checked(string asked, EksCluster cluster)
    {
        string? wrong = null;
        if (cluster.Name != asked)
        {
            wrong = $"another cluster's name ('{Output.Printable.OneLine(cluster.Name)}')";
        }
        else if (!Uri.TryCreate(cluster.Endpoint, UriKind.Absolute, out var server) || server.Scheme != Uri.UriSchemeHttps || server.Host.Length == 0)
        {
            wrong = "an endpoint that is not an https:// URL";
        }
        else if (!IsPemCertificate(cluster.CertificateAuthorityData))
        {
            wrong = "a certificate authority that is not base64 of a PEM certificate";
        }

        return wrong is null
            ? cluster
            : throw new AwsmfaException(ExitCodes.AwsError, $"EKS answered DescribeCluster for '{asked}' with {wrong}; nothing was written");
    }

    private static bool IsPemCertificate(string base64)
    {
        try
        {
            var pem = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}

internal sealed record DescribeClusterJson(
    [property: JsonPropertyName("cluster")] ClusterJson? Cluster,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("__type")] string? Code);

internal sealed record ClusterJson(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("arn")] string? Arn,
    [property: JsonPropertyName("endpoint")] string? Endpoint,
    [property: JsonPropertyName("certificateAuthority")] CertificateAuthorityJson? CertificateAuthority);

internal sealed record CertificateAuthorityJson([property: JsonPropertyName("data")] string? Data);

[JsonSerializable(typeof(DescribeClusterJson))]
internal sealed partial class EksJsonContext : JsonSerializerContext;
