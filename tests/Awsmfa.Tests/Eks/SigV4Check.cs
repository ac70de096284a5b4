using System.Security.Cryptography;
using System.Text;

namespace Awsmfa.Tests.Eks;

/// <summary>
/// SigV4 query signing recomputed from the AWS documentation, in the tests only: an independent
/// check of what the SDK's signer produced, as STS checks it.
/// </summary>
internal static class SigV4Check
{
    public static string QuerySignature(string host, IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string> headers, string secret, string region, string service)
    {
        var date = query["X-Amz-Date"];
        var canonicalQuery = string.Join('&', query.Where(p => p.Key != "X-Amz-Signature")
            .Select(p => (Key: Encode(p.Key), Value: Encode(p.Value))).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var signedHeaders = query["X-Amz-SignedHeaders"];
        var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => $"{h}:{(h == "host" ? host : headers[h]).Trim()}\n"));
        // A GET's empty body, as botocore presigns for STS (aws eks get-token's tokens verify this way).
        var canonicalRequest = $"GET\n/\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData([]))}";
        var scope = $"{date[..8]}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{date}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date[..8]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Encode(string value) => Uri.EscapeDataString(value);
}
