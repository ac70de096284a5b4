using System.Net.Sockets;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary><c>awsmfa exec --server</c>: a loopback credentials endpoint, through the built tool and moto_server.</summary>
[TestFixture]
[Category("Integration")]
// Serial: it sets the test process's own AWS_CONTAINER_* variables for the SDK, and runs the 5,000-connection attack under a file limit.
[NonParallelizable]
[Platform(Exclude = "Win", Reason = "POSIX: the command is an sh script")]
public sealed class ServerIntegrationTests : MotoToolTest
{
    private const string Admin = "arn:aws:iam::210987654321:role/admin";

    [SetUp]
    public void AddARoleProfile()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"""

            [profile prod]
            role_arn = {Admin}
            source_profile = base
            duration_seconds = 900
            """);
        // The command's own AWS tools reach moto through the standard variable.
        Tool.Environment["AWS_ENDPOINT_URL"] = Moto.Url;
    }

    private Task<CliResult> ExecServerAsync(string script, params string[] extra) =>
        Tool.RunAsync(null, TimeSpan.FromSeconds(90), ["exec", "--server", "--profile", "prod", "-t", "123456", .. extra, "--", "sh", "-c", script]);

    [Test]
    public async Task The_aws_cli_inside_gets_the_roles_credentials_from_the_endpoint_and_no_keys_from_the_environment()
    {
        var result = await ExecServerAsync(
            "env | grep -c -E '^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)=' ; aws sts get-caller-identity --query Arn --output text; exit 7");

        Assert.That(result.ExitCode, Is.EqualTo(7), "the command's exit code: " + result);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("0"), "no credential variables in the command's environment");
        Assert.That(lines[1], Does.Contain("assumed-role/admin/"));
        Assert.That(Moto.CountCalls("AssumeRole"), Is.EqualTo(1));
    }

    [Test]
    public async Task Web_identity_and_other_container_variables_of_the_callers_shell_do_not_shadow_the_endpoint()
    {
        // botocore looks for web identity before container credentials: left in the command's
        // environment, these would have it call AssumeRoleWithWebIdentity instead of the endpoint.
        var token = Path.Combine(Tool.Home, "web-identity-token");
        File.WriteAllText(token, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        Tool.Environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web-identity";
        Tool.Environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = token;
        Tool.Environment["AWS_ROLE_SESSION_NAME"] = "ci";
        Tool.Environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/other";

        var result = await ExecServerAsync(
            "env | grep -c -E '^AWS_(ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|ROLE_SESSION_NAME|CONTAINER_CREDENTIALS_RELATIVE_URI)='; aws sts get-caller-identity --query Arn --output text");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("0"), "none of them reaches the command");
        Assert.That(lines[1], Does.Contain("assumed-role/admin/"), "the endpoint's role, not the web identity's");
        Assert.That(Moto.CountCalls("AssumeRoleWithWebIdentity"), Is.Zero);
    }

    [Test]
    public async Task Long_term_keys_in_the_default_profile_do_not_shadow_the_endpoint()
    {
        // SDKs read the shared files before container credentials: the usual [default] with the
        // user's keys must not win over the endpoint inside the command.
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "credentials"), $"\n[default]\naws_access_key_id = {ToolProcess.AccessKeyId}\naws_secret_access_key = {ToolProcess.SecretAccessKey}\n");

        var result = await ExecServerAsync("aws sts get-caller-identity --query Arn --output text; aws configure list | grep access_key");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("assumed-role/admin/"));
        Assert.That(result.Stdout, Does.Match(@"access_key +\*+[A-Z0-9]{4} +container-role"), "the CLI names the endpoint as the source");
    }

    [Test]
    public async Task The_dotnet_sdk_gets_credentials_from_the_endpoint_and_the_port_closes_when_the_command_ends()
    {
        var handoff = Path.Combine(Tool.Home, "endpoint");
        var done = Path.Combine(Tool.Home, "done");
        var run = ExecServerAsync(
            $"printf '%s\\n%s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\" > '{handoff}.tmp' && mv '{handoff}.tmp' '{handoff}'; while [ ! -e '{done}' ]; do sleep 0.1; done");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(handoff))
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the command did not start");
            await Task.Delay(50);
        }

        var lines = File.ReadAllLines(handoff);
        var uri = new Uri(lines[0]);
        string arn;
        var saved = (Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI"), Environment.GetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        try
        {
            Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", lines[0]);
            Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", lines[1]);
            using var sts = new AmazonSecurityTokenServiceClient(new GenericContainerCredentials(), new AmazonSecurityTokenServiceConfig { ServiceURL = Moto.Url, AuthenticationRegion = "us-east-1" });
            arn = (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn;
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", saved.Item2);
            File.WriteAllText(done, "");
        }

        var result = await run;

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(arn, Does.Contain("assumed-role/admin/"));
        Assert.That(uri.Host, Is.EqualTo("127.0.0.1"));
        using var probe = new TcpClient();
        Assert.That(async () => await probe.ConnectAsync(uri.Host, uri.Port), Throws.InstanceOf<SocketException>(), "the port is closed once the command has ended");
    }

    [Test]
    public async Task Requests_without_the_token_or_off_the_path_get_no_credentials()
    {
        var result = await ExecServerAsync("""
            python3 - <<'PY'
            import os, urllib.request, urllib.error
            url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
            def status(u, headers, method="GET"):
                try:
                    r = urllib.request.urlopen(urllib.request.Request(u, headers=headers, method=method))
                    return f"{r.status} {'AccessKeyId' in r.read().decode()}"
                except urllib.error.HTTPError as e:
                    return f"{e.code} {'AccessKeyId' in e.read().decode()}"
            print(status(url, {}))
            print(status(url, {"Authorization": token[:-1] + ("0" if token[-1] != "0" else "1")}))
            print(status(url.rsplit("/", 1)[0] + "/other", {"Authorization": token}))
            print(status(url, {"Authorization": token}, "POST"))
            print(status(url, {"Authorization": token}))
            PY
            """, "--verbose");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "401 False", "403 False", "404 False", "405 False", "200 True" }));
        Assert.That(result.Stderr, Does.Contain("server: GET /credentials -> 401").And.Contain("server: GET /credentials -> 200, from memory"));
        Assert.That(result.Stderr, Does.Not.Match("awsmfa/[0-9a-f]{16}/"), "the endpoint's random path is not logged");
    }

    [Test]
    public async Task The_command_is_answered_every_time_while_another_process_holds_5000_idle_connections_under_a_1024_file_limit()
    {
        var hard = await Tool.RunProgramAsync("sh", "-c", "ulimit -Hn");
        if (hard.Stdout.Trim() != "unlimited" && int.Parse(hard.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) < 5200)
        {
            Assert.Ignore($"the attacker needs 5,100 open files and the hard limit is {hard.Stdout.Trim()}");
        }

        // Another local user: 5,000 connections that each sent half a request line, reopened as
        // the endpoint drops them, while the command fetches its credentials 200 times (the
        // benchmark's own client and attacker, bench/idle_client.py and bench/idle_attacker.py).
        var client = Path.Combine(Repository.Root, "bench", "idle_client.py");
        var state = Path.Combine(Tool.Home, "attack");

        var result = await Tool.RunProgramAsync(
            "sh", "-c", $"ulimit -Sn 1024 && exec {ToolProcess.ShellCommand} exec --server --profile prod -t 123456 -q -- python3 '{client}' 5000 200 '{state}'");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        // answered, asked, p50, p99, connections the attacker opened, whether the attack lasted
        var figures = result.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(int.Parse(figures[0], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(200), "every request answered with credentials: " + result);
        Assert.That(int.Parse(figures[4], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(5000), "the attacker held its 5,000 and had to reopen those the endpoint dropped");
        Assert.That(figures[5], Is.EqualTo("1"), "the attack lasted until the command was done");
    }

    [Test]
    public async Task A_job_that_outlives_its_credentials_gets_new_ones_without_a_code_and_one_assume_role_for_many_requests()
    {
        // Role credentials last 900 s; with a 897 s margin they are stale after 3 s.
        Tool.Environment["AWSMFA_EXPIRY_MARGIN"] = "897";
        var result = await ExecServerAsync("""
            python3 - <<'PY'
            import json, os, time, urllib.request
            from concurrent.futures import ThreadPoolExecutor
            url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            headers = {"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
            get = lambda _: json.loads(urllib.request.urlopen(urllib.request.Request(url, headers=headers)).read())["AccessKeyId"]
            first = get(0)
            time.sleep(4)
            with ThreadPoolExecutor(16) as pool:
                later = set(pool.map(get, range(16)))
            print(first)
            print(" ".join(sorted(later)))
            PY
            """);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[1].Split(' '), Has.Length.EqualTo(1), "16 parallel requests at refresh time got one set of credentials");
        Assert.That(lines[1], Is.Not.EqualTo(lines[0]), "new credentials after the old ones went stale");
        Assert.That(Moto.CountCalls("AssumeRole"), Is.EqualTo(2), "one AssumeRole at start, one at refresh");
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1), "no new code: the MFA session was still good");
    }
}
