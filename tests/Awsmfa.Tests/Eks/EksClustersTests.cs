using System.Net;
using System.Net.Sockets;
using System.Text;
using Awsmfa.Aws;
using Awsmfa.Eks;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Eks;

/// <summary>
/// DescribeCluster's answer is what kubectl will trust: the real <see cref="EksClusters"/> against
/// a loopback stand-in that answers what a proxy or a wrong endpoint could.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class EksClustersTests
{
    private const string Arn = "arn:aws:eks:eu-west-1:123456789012:cluster/prod";

    private static readonly SessionCredentials Session = new("ASIASESSION000000001", "SessionSecretPart1", "SessionTokenPart1", DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>A PEM certificate, base64 as EKS gives it.</summary>
    private static string Authority()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=kubernetes", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
    }

    private static async Task<(EksCluster? Cluster, AwsmfaException? Error, string? Token)> DescribeAsync(string name, string server, string authority)
    {
        // HttpListener cannot bind port 0: a free port, retried if another test takes it first.
        using var listener = new HttpListener();
        var port = 0;
        for (var attempt = 0; ; attempt++)
        {
            using (var tcp = new TcpListener(IPAddress.Loopback, 0))
            {
                tcp.Start();
                port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            }

            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        string? token = null;
        var answering = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            token = context.Request.Headers["X-Amz-Security-Token"];
            var body = Encoding.UTF8.GetBytes($$$$"""{"cluster":{"name":"{{{{name}}}}","arn":"{{{{Arn}}}}","endpoint":"{{{{server}}}}","certificateAuthority":{"data":"{{{{authority}}}}"}}}""");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        var clusters = new EksClusters(Session, new AwsTarget("eu-west-1", new Uri($"http://127.0.0.1:{port}"), null, TimeSpan.FromSeconds(5)));
        try
        {
            var cluster = await clusters.DescribeAsync("prod", CancellationToken.None);
            await answering;
            return (cluster, null, token);
        }
        catch (AwsmfaException e)
        {
            await answering;
            return (null, e, token);
        }
    }

    [Test]
    public async Task A_well_formed_answer_is_taken_and_the_request_carried_the_session_token()
    {
        var (cluster, error, token) = await DescribeAsync("prod", "https://ABC.gr7.eu-west-1.eks.amazonaws.com", Authority());

        Assert.That(error, Is.Null, error?.Message);
        Assert.That(cluster!.Endpoint, Is.EqualTo("https://ABC.gr7.eu-west-1.eks.amazonaws.com"));
        Assert.That(token, Is.EqualTo("SessionTokenPart1"), "AWS refuses temporary keys without their token");
    }

    [TestCase("other", "https://ABC.gr7.eu-west-1.eks.amazonaws.com", true, "another cluster's name ('other')")]
    [TestCase("prod", "http://ABC.gr7.eu-west-1.eks.amazonaws.com", true, "an endpoint that is not an https:// URL")]
    [TestCase("prod", "https://ABC.gr7.eu-west-1.eks.amazonaws.com", false, "a certificate authority that is not base64 of a PEM certificate")]
    public async Task An_answer_kubectl_should_not_trust_is_refused(string name, string server, bool realAuthority, string why)
    {
        var (cluster, error, _) = await DescribeAsync(name, server, realAuthority ? Authority() : Convert.ToBase64String(Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")));

        Assert.That(cluster, Is.Null);
        Assert.That(error!.ExitCode, Is.EqualTo(ExitCodes.AwsError));
        Assert.That(error.Message, Is.EqualTo($"EKS answered DescribeCluster for 'prod' with {why}; nothing was written"));
    }
}
