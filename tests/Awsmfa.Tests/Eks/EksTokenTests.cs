using System.Text;
using System.Text.Json;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Eks;

/// <summary><c>eks token</c>: the token checked the way the cluster checks it, in-process.</summary>
[TestFixture]
[Category("Unit")]
public sealed class EksTokenTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost().WithBaseProfile("region = eu-west-1");

    [TearDown]
    public void TearDown() => _host.Dispose();

    private async Task<JsonElement> SessionAsync()
    {
        var session = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "-o", "json");
        Assert.That(session.ExitCode, Is.EqualTo(0), session.ToString());
        return JsonDocument.Parse(session.Stdout).RootElement.Clone();
    }

    private static (string Url, Dictionary<string, string> Query) Decode(string token)
    {
        Assert.That(token, Does.StartWith("k8s-aws-v1."));
        var encoded = token["k8s-aws-v1.".Length..];
        Assert.That(encoded, Does.Not.Contain("=").And.Not.Contain("+").And.Not.Contain("/"), "unpadded base64url");
        var padded = encoded.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (encoded.Length % 4)) % 4);
        var url = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        var query = new Uri(url).Query.TrimStart('?').Split('&')
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);
        return (url, query);
    }

    private static string TokenOf(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.GetProperty("status").GetProperty("token").GetString()!;

    [Test]
    public async Task A_token_is_kept_and_served_again_until_a_minute_before_it_ends()
    {
        await SessionAsync();
        var args = new[] { "eks", "token", "--cluster-name", "prod-cluster", "--profile", "base" };

        var first = await _host.RunAsync(args);
        _host.Clock.Advance(TimeSpan.FromMinutes(12));
        var kept = await _host.RunAsync(args);
        var otherCluster = await _host.RunAsync("eks", "token", "--cluster-name", "other-cluster", "--profile", "base");
        _host.Clock.Advance(TimeSpan.FromMinutes(1.5));
        var renewed = await _host.RunAsync(args);
        var refreshed = await _host.RunAsync([.. args, "--refresh", "-t", "654321"]);

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(TokenOf(kept), Is.EqualTo(TokenOf(first)), "12 minutes on: the same token, not signed again");
        Assert.That(kept.Stdout, Is.EqualTo(first.Stdout), "its expiry too");
        Assert.That(Decode(TokenOf(otherCluster)).Query["X-Amz-Date"], Is.EqualTo("20261128T121200Z"), "another cluster gets its own");
        Assert.That(Decode(TokenOf(renewed)).Query["X-Amz-Date"], Is.EqualTo("20261128T121330Z"), "within a minute of its end a kept token is signed anew");
        Assert.That(refreshed.ExitCode, Is.Zero, refreshed.ToString());
        Assert.That(TokenOf(refreshed), Is.Not.EqualTo(TokenOf(renewed)), "--refresh signs anew, from a new session");
        Assert.That(Directory.GetFiles(_host.CacheFolder, "eks-*"), Has.Length.EqualTo(3), "one per session, cluster and region");
        _host.Clock.Advance(TimeSpan.FromMinutes(14));
        await _host.RunAsync(args);
        Assert.That(Directory.GetFiles(_host.CacheFolder, "eks-*"), Has.Length.EqualTo(1), "writing one removes those that ended");
        Assert.That(File.GetUnixFileMode(Directory.GetFiles(_host.CacheFolder, "eks-*")[0]), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        await _host.RunAsync("session", "clear");
        Assert.That(Directory.GetFiles(_host.CacheFolder, "eks-*"), Is.Empty, "session clear removes the tokens made from its sessions");
    }

    [Test]
    public async Task The_token_is_a_presigned_GetCallerIdentity_that_verifies_with_the_sessions_secret()
    {
        // awsmfa talks to another endpoint (the session answers for it); the token is still for AWS's STS.
        _host.Environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";
        var session = await SessionAsync();

        var result = await _host.RunAsync("eks", "token", "--cluster-name", "prod-cluster", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Is.Empty, "kubectl shows the plugin's stderr on every call");
        using var document = JsonDocument.Parse(result.Stdout);
        var root = document.RootElement;
        Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo("ExecCredential"));
        Assert.That(root.GetProperty("apiVersion").GetString(), Is.EqualTo("client.authentication.k8s.io/v1beta1"));
        Assert.That(root.GetProperty("spec").EnumerateObject().Count(), Is.Zero);
        Assert.That(root.GetProperty("status").GetProperty("expirationTimestamp").GetString(), Is.EqualTo("2026-11-28T12:14:00Z"));

        var (url, query) = Decode(root.GetProperty("status").GetProperty("token").GetString()!);
        Assert.That(new Uri(url).Host, Is.EqualTo("sts.eu-west-1.amazonaws.com"), "the real regional STS, whatever endpoint awsmfa talks to");
        Assert.That(new Uri(url).Scheme, Is.EqualTo("https"));
        Assert.That(query["Action"], Is.EqualTo("GetCallerIdentity"));
        Assert.That(query["Version"], Is.EqualTo("2011-06-15"));
        Assert.That(query["X-Amz-Expires"], Is.EqualTo("60"));
        Assert.That(query["X-Amz-Algorithm"], Is.EqualTo("AWS4-HMAC-SHA256"));
        Assert.That(query["X-Amz-SignedHeaders"], Is.EqualTo("host;x-k8s-aws-id"));
        Assert.That(query["X-Amz-Date"], Is.EqualTo("20261128T120000Z"));
        Assert.That(query["X-Amz-Credential"], Is.EqualTo($"{session.GetProperty("AccessKeyId").GetString()}/20261128/eu-west-1/sts/aws4_request"));
        Assert.That(query["X-Amz-Security-Token"], Is.EqualTo(session.GetProperty("SessionToken").GetString()));
        var expected = SigV4Check.QuerySignature(
            "sts.eu-west-1.amazonaws.com", query, new Dictionary<string, string> { ["x-k8s-aws-id"] = "prod-cluster" },
            session.GetProperty("SecretAccessKey").GetString()!, "eu-west-1", "sts");
        Assert.That(query["X-Amz-Signature"], Is.EqualTo(expected));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1), "the token came from the cached session: no STS call");
    }

    [Test]
    public async Task A_token_for_another_cluster_does_not_verify()
    {
        var session = await SessionAsync();
        var result = await _host.RunAsync("eks", "token", "--cluster-name", "prod-cluster", "--profile", "base");
        var (_, query) = Decode(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("status").GetProperty("token").GetString()!);

        var forOther = SigV4Check.QuerySignature(
            "sts.eu-west-1.amazonaws.com", query, new Dictionary<string, string> { ["x-k8s-aws-id"] = "other-cluster" },
            session.GetProperty("SecretAccessKey").GetString()!, "eu-west-1", "sts");

        Assert.That(query["X-Amz-Signature"], Is.Not.EqualTo(forOther));
    }

    [Test]
    public async Task The_expiration_is_the_credentials_when_they_end_within_14_minutes()
    {
        await SessionAsync();
        _host.Clock.Advance(TimeSpan.FromMinutes(50));

        var result = await _host.RunAsync("eks", "token", "--cluster-name", "c1", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("status").GetProperty("expirationTimestamp").GetString(), Is.EqualTo("2026-11-28T13:00:00Z"));
    }

    [TestCase("{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":true}}", "client.authentication.k8s.io/v1")]
    [TestCase("{\"apiVersion\":\"evil/v9\"}", "client.authentication.k8s.io/v1beta1")]
    [TestCase("not json", "client.authentication.k8s.io/v1beta1")]
    public async Task The_apiVersion_is_the_one_kubectl_asked_for(string execInfo, string apiVersion)
    {
        await SessionAsync();
        _host.Environment["KUBERNETES_EXEC_INFO"] = execInfo;

        var result = await _host.RunAsync("eks", "token", "--cluster-name", "c1", "--profile", "base");

        Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("apiVersion").GetString(), Is.EqualTo(apiVersion));
    }

    [Test]
    public async Task Without_a_region_or_with_a_bad_cluster_name_it_is_a_usage_error_before_any_call()
    {
        _host.WithBaseProfile();

        var noRegion = await _host.RunAsync("eks", "token", "--cluster-name", "c1", "--profile", "base", "-t", "123456");
        var badName = await _host.RunAsync("eks", "token", "--cluster-name", "-bad name", "--region", "eu-west-1", "--profile", "base");

        Assert.That(noRegion.ExitCode, Is.EqualTo(2));
        Assert.That(noRegion.Stderr, Does.Contain("no region"));
        Assert.That(badName.ExitCode, Is.EqualTo(2));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task A_role_profile_signs_the_token_with_the_role()
    {
        _host.WriteConfig("""
            [profile admin]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = base
            region = us-west-2
            """);

        var result = await _host.RunAsync("eks", "token", "--cluster-name", "c1", "--profile", "admin", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var (url, query) = Decode(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("status").GetProperty("token").GetString()!);
        Assert.That(new Uri(url).Host, Is.EqualTo("sts.us-west-2.amazonaws.com"));
        Assert.That(query["X-Amz-Credential"], Does.StartWith("ASIAROLE"));
    }
}
