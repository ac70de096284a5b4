using System.Text.Json;
using Awsmfa.Aws;
using Awsmfa.Cli.Session;
using Awsmfa.Credentials;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

[TestFixture]
[Category("Unit")]
public sealed class SessionOutputTests
{
    private static readonly SessionCredentials Session = new(
        "ASIAEXAMPLE", "se/cr+et=", "to+ken/==", new DateTimeOffset(2026, 11, 28, 13, 0, 0, TimeSpan.Zero));

    private static string Render(string format, SessionCredentials? credentials = null, string? region = null)
    {
        using var output = new StringWriter();
        SessionOutput.Write(SessionOutput.Formats.Single(f => f.Name == format).Format, credentials ?? Session, region, output);
        return output.ToString();
    }

    [TestCase("env", "export AWS_REGION='eu-west-1'\nexport AWS_DEFAULT_REGION='eu-west-1'\n")]
    [TestCase("dotenv", "AWS_REGION=eu-west-1\nAWS_DEFAULT_REGION=eu-west-1\n")]
    [TestCase("fish", "set -gx AWS_REGION 'eu-west-1';\nset -gx AWS_DEFAULT_REGION 'eu-west-1';\n")]
    [TestCase("powershell", "$Env:AWS_REGION = 'eu-west-1'\n$Env:AWS_DEFAULT_REGION = 'eu-west-1'\n")]
    public void Shell_formats_set_the_resolved_region_under_both_names(string format, string regionLines)
    {
        var withRegion = Render(format, region: "eu-west-1");
        var without = Render(format);

        Assert.That(withRegion, Is.EqualTo(without + regionLines));
        Assert.That(without, Does.Not.Contain("REGION"));
    }

    [Test]
    public void Json_names_the_region_and_credential_process_keeps_the_spec()
    {
        Assert.That(Render("json", region: "eu-west-1"), Does.Contain("\"Region\": \"eu-west-1\""));
        Assert.That(Render("json"), Does.Not.Contain("Region"));
        Assert.That(Render("credential-process", region: "eu-west-1"), Is.EqualTo(Render("credential-process")));
    }

    [Test]
    public void Env_is_posix_exports()
    {
        Assert.That(Render("env"), Is.EqualTo(
            "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n" +
            "export AWS_SECRET_ACCESS_KEY='se/cr+et='\n" +
            "export AWS_SESSION_TOKEN='to+ken/=='\n" +
            "export AWS_CREDENTIAL_EXPIRATION='2026-11-28T13:00:00Z'\n"));
    }

    [Test]
    public void Dotenv_is_name_equals_value()
    {
        Assert.That(Render("dotenv"), Is.EqualTo(
            "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n" +
            "AWS_SECRET_ACCESS_KEY=se/cr+et=\n" +
            "AWS_SESSION_TOKEN=to+ken/==\n" +
            "AWS_CREDENTIAL_EXPIRATION=2026-11-28T13:00:00Z\n"));
    }

    [Test]
    public void Fish_sets_global_exported_variables()
    {
        Assert.That(Render("fish"), Does.StartWith("set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE';\n")
            .And.Contain("set -gx AWS_CREDENTIAL_EXPIRATION '2026-11-28T13:00:00Z';\n"));
    }

    [Test]
    public void Powershell_sets_env_drive_variables()
    {
        Assert.That(Render("powershell"), Does.StartWith("$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'\n")
            .And.Contain("$Env:AWS_SESSION_TOKEN = 'to+ken/=='\n"));
    }

    [Test]
    public void Json_has_the_four_fields()
    {
        using var json = JsonDocument.Parse(Render("json"));
        var root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration" }));
        Assert.That(root.GetProperty("SessionToken").GetString(), Is.EqualTo("to+ken/=="));
    }

    [Test]
    public void Credential_process_is_version_1_on_one_line()
    {
        var text = Render("credential-process");

        Assert.That(text, Is.EqualTo(
            "{\"Version\":1,\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"se/cr+et=\",\"SessionToken\":\"to+ken/==\",\"Expiration\":\"2026-11-28T13:00:00Z\"}\n"));
    }

    [TestCase("env", "export AWS_SESSION_TOKEN='a'\\''$(reboot)`x` \"b\"'")]
    [TestCase("fish", "set -gx AWS_SESSION_TOKEN 'a\\'$(reboot)`x` \"b\"';")]
    [TestCase("powershell", "$Env:AWS_SESSION_TOKEN = 'a''$(reboot)`x` \"b\"'")]
    public void Shell_formats_keep_special_characters_literal(string format, string expectedLine)
    {
        var hostile = Session with { SessionToken = "a'$(reboot)`x` \"b\"" };

        Assert.That(Render(format, hostile).Split('\n'), Does.Contain(expectedLine));
    }

    [Test]
    public void Dotenv_refuses_a_value_that_would_break_the_line()
    {
        var broken = Session with { SessionToken = "a\nAWS_ACCESS_KEY_ID=evil" };

        var error = Assert.Throws<AwsmfaException>(() => Render("dotenv", broken));
        Assert.That(error!.Message, Does.Contain("cannot be written as dotenv"));
    }

    private static IEnumerable<string> FormatNames() => SessionOutput.Formats.Select(f => f.Name);

    [TestCaseSource(nameof(FormatNames))]
    public async Task Every_format_is_reachable_from_the_command_line(string format)
    {
        using var host = new TestHost().WithBaseProfile();

        var result = await host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--output", format);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("SessionTokenPart1"));
        Assert.That(result.Stdout, Does.Not.Contain("awsmfa:"), "stdout carries only the requested output");
    }

    [Test]
    public async Task Unknown_format_is_exit_2()
    {
        using var host = new TestHost().WithBaseProfile();

        var result = await host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "-o", "yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("yaml"));
        Assert.That(host.Aws.StsCalls, Is.Zero);
    }
}
