using System.Diagnostics;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime.CredentialManagement;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>Real consumers of credential_process: the AWS CLI and the AWS SDK for .NET.</summary>
[TestFixture]
[Category("Integration")]
[Platform(Exclude = "Win", Reason = "POSIX: the credential_process line is a POSIX shell command")]
public sealed class CredentialProcessTests : MotoToolTest
{
    [SetUp]
    public void AddAProfileThatRunsAwsmfa()
    {
        var cache = Path.Combine(Tool.Home, "cache");
        Tool.Environment["AWSMFA_CACHE_DIR"] = cache;

        // The consumer starts awsmfa with its own environment; env(1) pins where awsmfa looks.
        var awsmfa = string.Join(' ',
            "env",
            $"AWSMFA_CACHE_DIR={cache}",
            $"AWS_SHARED_CREDENTIALS_FILE={Path.Combine(Tool.AwsFolder, "credentials")}",
            $"AWS_CONFIG_FILE={Path.Combine(Tool.AwsFolder, "config")}",
            ToolProcess.ShellCommand,
            "session get --profile base --output credential-process --endpoint-url", Moto.Url);
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"""

            [profile mfa]
            region = us-east-1
            credential_process = {awsmfa}
            """);
    }

    private Task<CliResult> SeedCacheAsync() =>
        Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Moto.Url, "-t", "123456", "-o", "json");

    private Task<CliResult> AwsCliAsync(params string[] args)
    {
        var aws = Processes.FindOnPath("aws");
        if (aws is null)
        {
            Assert.Ignore("the aws CLI is not installed");
        }

        return Tool.RunProgramAsync(aws!, args);
    }

    [Test]
    public async Task The_aws_cli_uses_the_cached_session_through_credential_process()
    {
        var seeded = await SeedCacheAsync();
        using var session = JsonDocument.Parse(seeded.Stdout);

        var result = await AwsCliAsync("ec2", "describe-instances", "--profile", "mfa", "--endpoint-url", Moto.Url, "--output", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var request = Moto.HeadersOf("DescribeInstances").Single();
        Assert.That(request["X-Amz-Security-Token"], Is.EqualTo(session.RootElement.GetProperty("SessionToken").GetString()));
        Assert.That(request["Authorization"], Does.Contain("Credential=" + session.RootElement.GetProperty("AccessKeyId").GetString() + "/"));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1), "only the seeding call; the CLI was served from the cache");
    }

    [Test]
    public async Task The_aws_cli_fails_fast_when_a_code_is_needed_and_there_is_no_terminal()
    {
        var clock = Stopwatch.StartNew();

        var result = await AwsCliAsync("ec2", "describe-instances", "--profile", "mfa", "--endpoint-url", Moto.Url);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("an MFA code is needed and there is no terminal to ask"));
        // Far inside the harness's own 90 s: a prompt that waited for nobody would fail here.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(Moto.CountCalls("DescribeInstances"), Is.Zero);
    }

    [Test]
    public async Task The_aws_cli_gets_the_code_asked_on_the_terminal_while_it_captures_awsmfa()
    {
        var aws = Processes.FindOnPath("aws");
        if (aws is null)
        {
            Assert.Ignore("the aws CLI is not installed");
        }

        var output = Path.Combine(Tool.Home, "aws.out");
        var start = Tool.OnTerminal($"'{aws}' sts get-caller-identity --profile mfa --endpoint-url {Moto.Url} > '{output}' 2>&1 < /dev/null");

        using var process = Process.Start(start)!;
        var terminal = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.WriteAsync("123456\n");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);

        Assert.That(process.ExitCode, Is.Zero, await terminal + File.ReadAllText(output));
        Assert.That(await terminal, Does.Contain($"MFA code for {ToolProcess.Serial}: "));
        Assert.That(File.ReadAllText(output), Does.Contain("\"Account\""));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_dotnet_sdk_uses_the_cached_session_through_credential_process()
    {
        var seeded = await SeedCacheAsync();
        using var session = JsonDocument.Parse(seeded.Stdout);
        var profiles = new SharedCredentialsFile(Path.Combine(Tool.AwsFolder, "credentials"));

        Assert.That(profiles.TryGetProfile("mfa", out var profile), Is.True);
        var credentials = profile.GetAWSCredentials(profiles);
        using var ec2 = new AmazonEC2Client(credentials, new AmazonEC2Config { ServiceURL = Moto.Url, AuthenticationRegion = "us-east-1" });
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest());

        Assert.That(response.HttpStatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        var request = Moto.HeadersOf("DescribeInstances").Single();
        Assert.That(request["X-Amz-Security-Token"], Is.EqualTo(session.RootElement.GetProperty("SessionToken").GetString()));
        Assert.That(request["Authorization"], Does.Not.Contain(ToolProcess.AccessKeyId));
    }
}
