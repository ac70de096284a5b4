using Awsmfa.Cli;
using Awsmfa.Cli.Ec2;
using Awsmfa.Credentials;
using Awsmfa.Ec2;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

/// <summary>A command's definition reads argv into its options record, with no handler, service or AWS call.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ArgvToOptionsTests
{
    [Test]
    public void Ec2_list_reads_its_filters_regions_format_and_the_pipeline_options()
    {
        using var host = new TestHost();
        var definition = new ListInstancesDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", "prod", "--state", "running", "--tag", "env=prod", "--region", "eu-west-1", "-o", "json", "-d", "15m"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline.Profile, Is.EqualTo("prod"));
        Assert.That(options.Pipeline.DurationSeconds, Is.EqualTo(900));
        Assert.That(options.Regions, Is.EqualTo(new[] { "eu-west-1" }));
        Assert.That(options.AllRegions, Is.False);
        Assert.That(options.Format, Is.EqualTo(InstanceFormat.Json));
        Assert.That(options.Request.Filters.Select(f => (f.Name, string.Join(",", f.Values))), Is.EqualTo(new[] { ("instance-state-name", "running"), ("tag:env", "prod") }));
    }

    [Test]
    public void Pipeline_options_read_trimmed_values_and_defaults()
    {
        using var host = new TestHost();
        var definitions = new PipelineOptionDefinitions(host.Services().Profiles);
        var command = new System.CommandLine.Command("probe");
        foreach (var option in new System.CommandLine.Option[] { definitions.Profile, definitions.TokenCode, definitions.Region, definitions.RoleArn })
        {
            command.Options.Add(option);
        }

        var options = definitions.Read(command.Parse(["--profile", " work ", "-t", "123456", "--role-arn", "arn:aws:iam::123456789012:role/admin"]));

        Assert.That(options, Is.EqualTo(new PipelineOptions(Profile: "work", TokenCode: "123456", RoleArn: "arn:aws:iam::123456789012:role/admin")));
    }
}
