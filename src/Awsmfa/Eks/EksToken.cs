using System.Text;
using Awsmfa.Aws;

namespace Awsmfa.Eks;

/// <summary>
/// The bearer token an EKS cluster accepts, as <c>aws eks get-token</c> and aws-iam-authenticator
/// make it: <c>k8s-aws-v1.</c> and the unpadded base64url of a presigned STS GetCallerIdentity
/// URL whose signed headers include <c>x-k8s-aws-id: CLUSTER</c>. The cluster replays the URL
/// against STS to learn who is calling, so it is signed for the real regional STS host whatever
/// endpoint awsmfa itself talks to. Made locally: no network call.
/// </summary>
internal static class EksToken
{
    public const string Prefix = "k8s-aws-v1.";
    public const string ClusterHeader = "x-k8s-aws-id";

    /// <summary>How long kubectl may reuse a token: aws-iam-authenticator accepts one for 15 minutes after it was signed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(14);

    /// <summary>The regional STS host the cluster checks the URL against (the China partition's own domain).</summary>
    public static string StsHost(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? $"sts.{region}.amazonaws.com.cn" : $"sts.{region}.amazonaws.com";

    public static string Create(SessionCredentials credentials, string clusterName, string region, DateTimeOffset now)
    {
        var url = SignedRequests.Presign(
            "sts",
            region,
            new Uri($"https://{StsHost(region)}/"),
            [new("Action", "GetCallerIdentity"), new("Version", "2011-06-15"), new("X-Amz-Expires", "60")],
            [new(ClusterHeader, clusterName)],
            credentials,
            now);
        return Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(url)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>When kubectl should ask again: in 14 minutes, or when the credentials end if sooner.</summary>
    public static DateTimeOffset Expiration(DateTimeOffset now, DateTimeOffset credentialsExpire) =>
        now + Lifetime < credentialsExpire ? now + Lifetime : credentialsExpire;
}
