using System.Text.Json;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>Role profiles through the built tool against moto_server, which implements AssumeRole.</summary>
[TestFixture]
[Category("Integration")]
[Platform(Exclude = "Win", Reason = "POSIX: sh commands and a POSIX credential_process line")]
public sealed class RoleIntegrationTests : MotoToolTest
{
    private const string Admin = "arn:aws:iam::210987654321:role/admin";
    private const string ReadOnly = "arn:aws:iam::210987654321:role/readonly";

    [SetUp]
    public void AddRoleProfiles()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"""

            [profile prod]
            role_arn = {Admin}
            source_profile = base
            region = eu-west-1

            [profile audit]
            role_arn = {ReadOnly}
            source_profile = base
            """);
    }

    private static string KeyOf(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.GetProperty("AccessKeyId").GetString()!;

    [Test]
    public async Task Session_get_serves_the_role_and_reuses_it_without_a_code()
    {
        var first = await Tool.RunAsync(null, "session", "get", "--profile", "prod", "--endpoint-url", Moto.Url, "-t", "123456", "-o", "json");
        var second = await Tool.RunAsync(null, "session", "get", "--profile", "prod", "--endpoint-url", Moto.Url, "-o", "json");

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(KeyOf(second), Is.EqualTo(KeyOf(first)));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
        Assert.That(Moto.CountCalls("AssumeRole"), Is.EqualTo(1));
        // Signed with the MFA session's key, not the long-term one.
        Assert.That(Moto.HeadersOf("AssumeRole").Single()["Authorization"], Does.Not.Contain(ToolProcess.AccessKeyId));
    }

    [Test]
    public async Task Exec_runs_the_command_with_the_roles_credentials_and_region()
    {
        var result = await Tool.RunAsync(null, "exec", "--profile", "prod", "--endpoint-url", Moto.Url, "-t", "123456", "--",
            "sh", "-c", "echo \"key=${AWS_ACCESS_KEY_ID%????????????????} region=$AWS_REGION marker=$AWSMFA_SESSION\"");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo("key=ASIA region=eu-west-1 marker=prod\n"));
        Assert.That(Moto.CountCalls("AssumeRole"), Is.EqualTo(1));
    }

    [Test]
    public async Task Ec2_list_signs_with_the_roles_credentials()
    {
        var session = await Tool.RunAsync(null, "session", "get", "--profile", "prod", "--endpoint-url", Moto.Url, "-t", "123456", "-o", "json");
        var list = await Tool.RunAsync(null, "ec2", "list", "--profile", "prod", "--endpoint-url", Moto.Url, "-o", "json");

        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        Assert.That(Moto.HeadersOf("DescribeInstances").Single()["Authorization"], Does.Contain("Credential=" + KeyOf(session) + "/"));
        Assert.That(Moto.HeadersOf("DescribeInstances").Single()["Authorization"], Does.Contain("/eu-west-1/ec2/"), "the role profile's region");
    }

    [Test]
    public async Task The_aws_cli_uses_a_role_profile_through_credential_process()
    {
        var aws = Processes.FindOnPath("aws");
        if (aws is null)
        {
            Assert.Ignore("the aws CLI is not installed");
        }

        var awsmfa = string.Join(' ',
            "env",
            $"AWS_SHARED_CREDENTIALS_FILE={Path.Combine(Tool.AwsFolder, "credentials")}",
            $"AWS_CONFIG_FILE={Path.Combine(Tool.AwsFolder, "config")}",
            $"HOME={Tool.Home}",
            ToolProcess.ShellCommand,
            "session get --profile prod --output credential-process --endpoint-url", Moto.Url);
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"""

            [profile viaawsmfa]
            region = eu-west-1
            credential_process = {awsmfa}
            """);
        var seeded = await Tool.RunAsync(null, "session", "get", "--profile", "prod", "--endpoint-url", Moto.Url, "-t", "123456", "-o", "json");

        var result = await Tool.RunProgramAsync(aws!, "sts", "get-caller-identity", "--profile", "viaawsmfa", "--endpoint-url", Moto.Url);

        Assert.That(seeded.ExitCode, Is.Zero, seeded.ToString());
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Moto.HeadersOf("GetCallerIdentity").Single()["Authorization"], Does.Contain("Credential=" + KeyOf(seeded) + "/"));
        Assert.That(Moto.CountCalls("AssumeRole"), Is.EqualTo(1), "the CLI was served from the cache");
    }

    [Test]
    public async Task Parallel_runs_over_two_roles_on_an_empty_cache_make_one_get_session_token_and_one_assume_role_per_role()
    {
        const int PerRole = 8;
        var runs = Enumerable.Range(0, PerRole * 2).Select(i => Tool.RunAsync(
            null, TimeSpan.FromMinutes(2), "session", "get", "--profile", i % 2 == 0 ? "prod" : "audit", "--endpoint-url", Moto.Url, "-t", "123456", "-o", "json", "-q"));

        var results = await Task.WhenAll(runs);

        Assert.That(results.Where(r => r.ExitCode != 0), Is.Empty, string.Join("\n", results.Where(r => r.ExitCode != 0).Take(2)));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1), "one MFA session, one code");
        Assert.That(Moto.CountCalls("AssumeRole"), Is.EqualTo(2), "one AssumeRole per role");
        Assert.That(results.Select(KeyOf).Distinct().Count(), Is.EqualTo(2), "every run of a role printed the same credentials");
    }
}
