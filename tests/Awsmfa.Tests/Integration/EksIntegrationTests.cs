using System.Text;
using Awsmfa.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// A real kubectl on a kubeconfig written by <c>eks update-kubeconfig</c> for a cluster in
/// moto_server, its server pointed at a local HTTPS API stand-in: kubectl runs awsmfa's exec
/// plugin and the stand-in receives the bearer token.
/// </summary>
[TestFixture]
[Category("Integration")]
[Platform(Exclude = "Win", Reason = "the awsmfa wrapper kubectl runs is a POSIX shell script")]
public sealed class EksIntegrationTests : MotoToolTest
{
    private async Task CreateClusterAsync(string name)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Moto.Url + "/clusters")
        {
            Content = new StringContent(
                "{\"name\":\"" + name + "\",\"roleArn\":\"arn:aws:iam::123456789012:role/eks\",\"resourcesVpcConfig\":{\"subnetIds\":[\"subnet-1\"]}}",
                Encoding.UTF8,
                "application/json"),
        };
        // moto reads the service from the credential scope and checks no signature.
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIASETUPEXAMPLE0001/20261130/us-east-1/eks/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_profiles_endpoint_url_sends_describe_cluster_where_the_sdk_sends_sts(bool servicesSection)
    {
        await CreateClusterAsync("demo");
        // No variable: only the profile names the endpoint, for STS (through the SDK) and EKS alike.
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), servicesSection
            ? $"[profile base]\nregion = us-east-1\nservices = local\n\n[services local]\nsts =\n  endpoint_url = {Moto.Url}\neks =\n  endpoint_url = {Moto.Url}\n"
            : $"[profile base]\nregion = us-east-1\nendpoint_url = {Moto.Url}\n");
        var kubeconfig = Path.Combine(Tool.Home, "kubeconfig");

        var result = await Tool.RunAsync(null, "eks", "update-kubeconfig", "--cluster-name", "demo", "--profile", "base", "-t", "123456", "--kubeconfig", kubeconfig);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.ReadAllText(kubeconfig), Does.Contain("cluster/demo"));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task Eight_parallel_update_kubeconfig_runs_keep_all_eight_contexts()
    {
        await CreateClusterAsync("demo");
        Tool.Environment["AWS_ENDPOINT_URL"] = Moto.Url;
        var seeded = await Tool.RunAsync(null, "session", "get", "--profile", "base", "-t", "123456");
        Assert.That(seeded.ExitCode, Is.Zero, seeded.ToString());
        var kubeconfig = Path.Combine(Tool.Home, "kubeconfig");

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Tool.RunAsync(null, "eks", "update-kubeconfig", "--cluster-name", "demo", "--profile", "base", "--kubeconfig", kubeconfig, "--alias", $"c{i}")));

        Assert.That(runs.Select(r => r.ExitCode), Has.All.Zero, string.Join("\n", runs.Select(r => r.ToString())));
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(kubeconfig)));
        var contexts = ((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["contexts"]).Children
            .Select(c => ((YamlScalarNode)((YamlMappingNode)c)["name"]).Value);
        Assert.That(contexts, Is.EquivalentTo(Enumerable.Range(0, 8).Select(i => $"c{i}")), "kubectl's lock: no run wrote over another's");
        Assert.That(File.Exists(kubeconfig + ".lock"), Is.False);
    }

    [Test]
    public async Task Kubectl_runs_awsmfa_as_its_exec_plugin_and_the_cluster_gets_the_token()
    {
        var kubectl = Processes.FindOnPath("kubectl");
        if (kubectl is null)
        {
            Assert.Ignore("kubectl is not installed (Debian: kubernetes-client; .ci/run installs it)");
        }

        using var api = new KubeApiStandIn();
        await CreateClusterAsync("demo");
        var kubeconfig = Path.Combine(Tool.Home, "kubeconfig");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: https://127.0.0.1:1
            contexts:
            - name: local
              context:
                cluster: local
                user: local-admin
            users:
            - name: local-admin
              user:
                token: static-token
            current-context: local
            """);
        Tool.Environment["AWS_ENDPOINT_URL"] = Moto.Url;

        var updated = await Tool.RunAsync(null, "eks", "update-kubeconfig", "--cluster-name", "demo", "--profile", "base", "-t", "123456", "--kubeconfig", kubeconfig);
        Assert.That(updated.ExitCode, Is.EqualTo(0), updated.ToString());

        // The cluster in moto has a made-up endpoint: point it at the stand-in and its CA.
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(kubeconfig)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var demo = ((YamlSequenceNode)root["clusters"]).Children.Cast<YamlMappingNode>().Single(c => ((YamlScalarNode)c["name"]).Value!.EndsWith(":cluster/demo", StringComparison.Ordinal));
        var cluster = (YamlMappingNode)demo["cluster"];
        cluster.Children[new YamlScalarNode("server")] = new YamlScalarNode(api.Url);
        cluster.Children[new YamlScalarNode("certificate-authority-data")] = new YamlScalarNode(api.CertificateAuthorityData);
        using (var writer = new StreamWriter(kubeconfig))
        {
            stream.Save(writer, assignAnchors: false);
        }

        // kubectl finds `awsmfa` on PATH, as it would the installed tool.
        var bin = Directory.CreateDirectory(Path.Combine(Tool.Home, "bin")).FullName;
        var wrapper = Path.Combine(bin, "awsmfa");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec {ToolProcess.ShellCommand} \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Tool.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        // A cached answer: the plugin must not need STS at all (moto counts the calls below). The
        // endpoint stays moto's: the session answers for the endpoint that minted it.

        var result = await Tool.RunProgramAsync(kubectl!, "--kubeconfig", kubeconfig, "get", "--raw", "/api/v1/namespaces");
        var contexts = await Tool.RunProgramAsync(kubectl!, "--kubeconfig", kubeconfig, "config", "get-contexts", "-o", "name");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("awsmfa-stand-in"));
        Assert.That(api.Authorizations, Is.Not.Empty);
        Assert.That(api.Authorizations, Has.All.StartWith("Bearer k8s-aws-v1."));
        var token = api.Authorizations.First()["Bearer ".Length..];
        var encoded = token["k8s-aws-v1.".Length..].Replace('-', '+').Replace('_', '/');
        var url = Encoding.UTF8.GetString(Convert.FromBase64String(encoded + new string('=', (4 - (encoded.Length % 4)) % 4)));
        Assert.That(url, Does.StartWith("https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"));
        Assert.That(url, Does.Contain("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1), "one code for update-kubeconfig; kubectl's call was a cache hit");
        Assert.That(contexts.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "local", "arn:aws:eks:us-east-1:123456789012:cluster/demo" }));
        Assert.That(File.ReadAllText(kubeconfig), Does.Contain("token: static-token"));
    }
}
