using Awsmfa.Eks;
using Awsmfa.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Awsmfa.Tests.Eks;

/// <summary><c>eks update-kubeconfig</c>: the entry, the merge, the file, in-process with a fake DescribeCluster.</summary>
[TestFixture]
[Category("Unit")]
public sealed class UpdateKubeconfigTests
{
    private const string Arn = "arn:aws:eks:eu-west-1:123456789012:cluster/prod";
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile("region = eu-west-1");
        _host.EksClusters["prod"] = new EksCluster("prod", Arn, "https://ABC.gr7.eu-west-1.eks.amazonaws.com", "LS0tQ0EtLS0=");
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private string DefaultPath => Path.Combine(_host.Home, ".kube", "config");

    private static YamlMappingNode Read(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Named(YamlMappingNode root, string list, string name) =>
        ((YamlSequenceNode)root[list]).Children.Cast<YamlMappingNode>().Single(n => ((YamlScalarNode)n["name"]).Value == name);

    [Test]
    public async Task Writes_a_new_kubeconfig_whose_user_runs_awsmfa_eks_token()
    {
        var result = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo($"awsmfa: added context {Arn} in {DefaultPath} (kubectl runs awsmfa eks token for it)\n"));
        Assert.That(File.GetUnixFileMode(DefaultPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var root = Read(DefaultPath);
        Assert.That(((YamlScalarNode)root["current-context"]).Value, Is.EqualTo(Arn));
        var cluster = (YamlMappingNode)Named(root, "clusters", Arn)["cluster"];
        Assert.That(((YamlScalarNode)cluster["server"]).Value, Is.EqualTo("https://ABC.gr7.eu-west-1.eks.amazonaws.com"));
        Assert.That(((YamlScalarNode)cluster["certificate-authority-data"]).Value, Is.EqualTo("LS0tQ0EtLS0="));
        var exec = (YamlMappingNode)((YamlMappingNode)Named(root, "users", Arn + "@base")["user"])["exec"];
        Assert.That(((YamlScalarNode)exec["apiVersion"]).Value, Is.EqualTo("client.authentication.k8s.io/v1beta1"));
        Assert.That(((YamlScalarNode)exec["command"]).Value, Is.EqualTo("awsmfa"));
        Assert.That(((YamlScalarNode)exec["interactiveMode"]).Value, Is.EqualTo("IfAvailable"));
        Assert.That(((YamlSequenceNode)exec["args"]).Children.Select(a => ((YamlScalarNode)a).Value),
            Is.EqualTo(new[] { "eks", "token", "--cluster-name", "prod", "--region", "eu-west-1", "--profile", "base" }));
        var context = (YamlMappingNode)Named(root, "contexts", Arn)["context"];
        Assert.That(((YamlScalarNode)context["user"]).Value, Is.EqualTo(Arn + "@base"), "one user per (cluster, profile, role)");
        Assert.That(_host.EksCalls.Single().Target.Region, Is.EqualTo("eu-west-1"));
    }

    [Test]
    public async Task Merging_keeps_every_other_entry_and_field_untouched()
    {
        var path = Path.Combine(_host.Home, "kube-a");
        _host.Environment["KUBECONFIG"] = $"{path}{Path.PathSeparator}{Path.Combine(_host.Home, "kube-b")}";
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Config
            preferences:
              colors: true
            clusters:
            - name: kind-dev
              cluster:
                server: https://127.0.0.1:6443
                insecure-skip-tls-verify: true
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension:
                    audience: dev
            contexts:
            - name: kind-dev
              context:
                cluster: kind-dev
                user: kind-dev
                namespace: "007"
            users:
            - name: kind-dev
              user:
                client-certificate-data: Q0VSVA==
                client-key-data: S0VZ
            current-context: kind-dev
            """);

        var first = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "-t", "123456", "--alias", "prod", "--role-arn", "arn:aws:iam::210987654321:role/admin");
        var second = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "--alias", "prod");

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(second.Stderr, Does.Contain("awsmfa: updated context prod in " + path));
        Assert.That(second.Stderr, Does.Contain($"awsmfa: context prod now signs in as user {Arn}@base (it was {Arn}@base+arn:aws:iam::210987654321:role/admin, which stays in the file)"));
        var root = Read(path);
        Assert.That(((YamlScalarNode)root["current-context"]).Value, Is.EqualTo("prod"));
        Assert.That(((YamlScalarNode)((YamlMappingNode)root["preferences"])["colors"]).Value, Is.EqualTo("true"));
        var dev = (YamlMappingNode)Named(root, "clusters", "kind-dev")["cluster"];
        Assert.That(((YamlScalarNode)dev["insecure-skip-tls-verify"]).Value, Is.EqualTo("true"));
        Assert.That(dev.Children.ContainsKey(new YamlScalarNode("extensions")), Is.True);
        var devContext = (YamlMappingNode)Named(root, "contexts", "kind-dev")["context"];
        Assert.That(((YamlScalarNode)devContext["namespace"]).Value, Is.EqualTo("007"));
        Assert.That(((YamlScalarNode)devContext["namespace"]).Style, Is.EqualTo(YamlDotNet.Core.ScalarStyle.DoubleQuoted), "a string that looks like a number stays a string");
        Assert.That(((YamlScalarNode)((YamlMappingNode)Named(root, "users", "kind-dev")["user"])["client-key-data"]).Value, Is.EqualTo("S0VZ"));
        Assert.That(((YamlSequenceNode)root["contexts"]).Children, Has.Count.EqualTo(2), "the second run replaced its context, not added one");
        Assert.That(File.Exists(Path.Combine(_host.Home, "kube-b")), Is.False);
        var args = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Named(root, "users", Arn + "@base")["user"])["exec"])["args"]).Children.Select(a => ((YamlScalarNode)a).Value);
        Assert.That(args, Is.EqualTo(new[] { "eks", "token", "--cluster-name", "prod", "--region", "eu-west-1", "--profile", "base" }), "the second run has no --role-arn");
    }

    [Test]
    public async Task A_second_context_for_the_same_cluster_as_another_profile_leaves_the_first_ones_user_alone()
    {
        _host.WriteConfig("""
            [profile base]
            region = eu-west-1

            [profile other]
            region = eu-west-1
            mfa_serial = arn:aws:iam::123456789012:mfa/alice
            """);
        File.AppendAllText(_host.CredentialsFile, $"\n[other]\naws_access_key_id = AKIAOTHERUSER0000001\naws_secret_access_key = {TestHost.SecretAccessKey}\n");

        var first = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "-t", "123456", "--alias", "mine");
        var second = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "other", "-t", "654321", "--alias", "theirs");
        var named = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "--alias", "third", "--user-alias", "prod-admin");

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(named.ExitCode, Is.Zero, named.ToString());
        var root = Read(DefaultPath);
        Assert.That(((YamlScalarNode)((YamlMappingNode)Named(root, "contexts", "mine")["context"])["user"]).Value, Is.EqualTo(Arn + "@base"));
        Assert.That(((YamlScalarNode)((YamlMappingNode)Named(root, "contexts", "theirs")["context"])["user"]).Value, Is.EqualTo(Arn + "@other"));
        Assert.That(((YamlScalarNode)((YamlMappingNode)Named(root, "contexts", "third")["context"])["user"]).Value, Is.EqualTo("prod-admin"));
        var baseArgs = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Named(root, "users", Arn + "@base")["user"])["exec"])["args"]).Children.Select(a => ((YamlScalarNode)a).Value);
        Assert.That(baseArgs, Does.Contain("base").And.Not.Contain("other"), "the first context still signs in as base");
        Assert.That(((YamlSequenceNode)root["users"]).Children, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Parallel_runs_take_turns_on_kubectls_lock_and_keep_every_context()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "--alias", $"c{i}"))));

        Assert.That(runs.Select(r => r.ExitCode), Has.All.Zero, string.Join("\n", runs.Select(r => r.ToString())));
        var contexts = ((YamlSequenceNode)Read(DefaultPath)["contexts"]).Children.Select(c => ((YamlScalarNode)((YamlMappingNode)c)["name"]).Value);
        Assert.That(contexts, Is.EquivalentTo(Enumerable.Range(0, 8).Select(i => $"c{i}")));
        Assert.That(File.Exists(DefaultPath + ".lock"), Is.False, "the lock is gone");
    }

    [Test]
    public async Task A_lock_left_by_another_writer_is_named_and_nothing_is_written()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DefaultPath)!);
        File.WriteAllText(DefaultPath + ".lock", "");
        File.SetLastWriteTimeUtc(DefaultPath + ".lock", DateTime.UtcNow);
        _host.KubeconfigLockTimeout = TimeSpan.FromSeconds(1);

        var result = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"{DefaultPath}.lock has been held"));
        Assert.That(File.Exists(DefaultPath), Is.False);
    }

    [Test]
    public async Task A_role_is_passed_on_to_the_token_command()
    {
        var kubeconfig = Path.Combine(_host.Home, "k");

        var result = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "-t", "123456", "--kubeconfig", kubeconfig, "--role-arn", "arn:aws:iam::210987654321:role/admin");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var args = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Named(Read(kubeconfig), "users", Arn + "@base+arn:aws:iam::210987654321:role/admin")["user"])["exec"])["args"]).Children.Select(a => ((YamlScalarNode)a).Value);
        Assert.That(args, Is.EqualTo(new[] { "eks", "token", "--cluster-name", "prod", "--region", "eu-west-1", "--profile", "base", "--role-arn", "arn:aws:iam::210987654321:role/admin" }));
        Assert.That(_host.EksCalls.Single().Credentials.AccessKeyId, Does.StartWith("ASIAROLE"), "DescribeCluster as the role");
    }

    [Test]
    public async Task A_kubeconfig_that_is_not_yaml_is_left_alone()
    {
        File.WriteAllText(Path.Combine(_host.Home, "bad"), "clusters: [unclosed\n");

        var result = await _host.RunAsync("eks", "update-kubeconfig", "--cluster-name", "prod", "--profile", "base", "-t", "123456", "--kubeconfig", Path.Combine(_host.Home, "bad"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("is not a kubeconfig awsmfa can read").And.Contain("nothing was changed"));
        Assert.That(File.ReadAllText(Path.Combine(_host.Home, "bad")), Is.EqualTo("clusters: [unclosed\n"));
    }
}
