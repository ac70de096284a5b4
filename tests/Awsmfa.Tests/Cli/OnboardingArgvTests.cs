using Awsmfa.Cli.Init;
using Awsmfa.Cli.Mfa;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

/// <summary>The <c>mfa</c> and <c>init</c> definitions read argv into their options, with no handler or AWS call.</summary>
[TestFixture]
[Category("Unit")]
public sealed class OnboardingArgvTests
{
    [Test]
    public void Init_reads_the_profile_trimmed_the_endpoint_and_the_timeout_and_asks_for_the_rest()
    {
        using var host = new TestHost();
        var definition = new InitDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " work ", "--endpoint-url", "http://127.0.0.1:5000", "--request-timeout", "30s"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options, Is.EqualTo(new InitOptions("work", new Uri("http://127.0.0.1:5000"), TimeSpan.FromSeconds(30))));
        Assert.That(definition.Read(definition.Command.Parse([])), Is.EqualTo(new InitOptions(null, null, null)));
        Assert.That(definition.Command.Parse(["--region", "eu-west-1"]).Errors, Is.Not.Empty, "the region is asked, and checked, on the terminal");
    }

    [Test]
    public void Mfa_list_reads_the_profile_endpoint_and_format()
    {
        using var host = new TestHost();
        var definition = new MfaListDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " alice ", "--endpoint-url", "http://127.0.0.1:5000", "-o", "json"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline.Profile, Is.EqualTo("alice"));
        Assert.That(options.Pipeline.EndpointUrl, Is.EqualTo(new Uri("http://127.0.0.1:5000")));
        Assert.That(options.Format, Is.EqualTo(MfaListFormat.Json));
    }

    [Test]
    public void Mfa_create_reads_its_name_qr_file_and_set_and_asks_when_set_is_not_given()
    {
        using var host = new TestHost();
        var definition = new MfaCreateDefinition(host.Services().Profiles);

        var given = definition.Read(definition.Command.Parse(["--profile", "alice", "--name", " phone ", "--qr", "code.png", "--set", "--show-secret"]));
        var plain = definition.Read(definition.Command.Parse(["--profile", "alice"]));

        Assert.That(given, Is.EqualTo(new MfaCreateOptions(given.Pipeline, "phone", "code.png", true, true)));
        Assert.That(plain.Set, Is.Null, "asked on the terminal");
        Assert.That(plain.Name, Is.Null);
        Assert.That(definition.Command.Parse(["--name", "my phone"]).Errors.Select(e => e.Message), Has.Some.Contains("--name must be"));
        Assert.That(definition.Command.Parse(["--serial-number", "x"]).Errors, Is.Not.Empty, "mfa create takes no MFA device");
    }

    [Test]
    public void Mfa_remove_needs_a_well_formed_serial_and_reads_yes_and_the_code()
    {
        using var host = new TestHost();
        var definition = new MfaRemoveDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--serial", " arn:aws:iam::123456789012:mfa/alice ", "-y", "-t", "123456"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Serial, Is.EqualTo("arn:aws:iam::123456789012:mfa/alice"));
        Assert.That(options.Yes, Is.True);
        Assert.That(options.Pipeline.TokenCode, Is.EqualTo("123456"));
        Assert.That(definition.Command.Parse([]).Errors, Is.Not.Empty, "--serial is required");
        Assert.That(definition.Command.Parse(["--serial", "alice"]).Errors.Select(e => e.Message), Has.Some.Contains("--serial is not valid"));
    }
}
