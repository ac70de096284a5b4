using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>Every option given hostile values: one clear line and exit 2, before any network call.</summary>
[TestFixture]
[Category("Unit")]
public sealed class HostileInputTests
{
    private static readonly string[] HostileValues =
    [
        "", " ", "\t", new string('a', 10_000), "$(rm -rf ~)", "`id`", "; echo pwned", "a\nb", "١٢٣٤٥٦", "１２３４５６", "\u202e123456", "x\u0000y", "%s%n", "../../etc/passwd",
    ];

    private static readonly (string Command, string Option)[] Options =
    [
        ("session get", "--profile"),
        ("session get", "--serial-number"),
        ("session get", "--token-code"),
        ("session get", "--duration"),
        ("session get", "--region"),
        ("session get", "--endpoint-url"),
        ("session get", "--request-timeout"),
        ("session get", "--output"),
        ("session list", "--output"),
        ("ec2 list", "--state"),
        ("ec2 list", "--filter"),
        ("ec2 list", "--tag"),
        ("ec2 list", "--instance-id"),
        ("ec2 list", "--page-size"),
        ("ec2 terminate i-0123456789abcdef0", "--timeout"),
        ("completion", "--none"),
    ];

    // Tag keys and values may be any Unicode letters and digits and contain . and / (AWS's rules).
    private static readonly Dictionary<string, string[]> LegitimateFor = new(StringComparer.Ordinal)
    {
        ["--tag"] = ["١٢٣٤٥٦", "１２３４５６", "../../etc/passwd"],
    };

    private static IEnumerable<TestCaseData> Cases() =>
        from option in Options
        where option.Option != "--none"
        select new TestCaseData(option.Command, option.Option).SetName($"{option.Command} {option.Option} refuses hostile values");

    [TestCaseSource(nameof(Cases))]
    public async Task Hostile_values_are_exit_2_before_any_network_call(string command, string option)
    {
        // One host for every value: each is refused while parsing, before anything is read or written.
        var legitimate = LegitimateFor.GetValueOrDefault(option) ?? [];
        using var host = new TestHost().WithBaseProfile();
        host.WriteConfig("[profile base]\nregion = us-east-1\n");
        foreach (var value in HostileValues.Except(legitimate))
        {
            var rest = new List<string>();
            if (option != "--profile" && command != "session list")
            {
                rest.AddRange(["--profile", "base", "-t", "123456"]);
            }

            if (command.StartsWith("ec2 terminate", StringComparison.Ordinal))
            {
                rest.Add("-y");
            }

            var result = await host.RunAsync([.. command.Split(' '), option, value, .. rest]);

            Assert.That(result.ExitCode, Is.EqualTo(2), $"{command} {option} '{Shown(value)}': {result}");
            Assert.That(result.Stderr, Does.StartWith("awsmfa: "));
            Assert.That(result.Stdout, Is.Empty);
            Assert.That(host.Aws.StsCalls, Is.Zero);
        }
    }

    [Test]
    public async Task Hostile_instance_ids_are_exit_2()
    {
        using var host = new TestHost().WithBaseProfile();
        foreach (var value in HostileValues)
        {
            var result = await host.RunAsync("ec2", "terminate", value, "--profile", "base", "-y");

            Assert.That(result.ExitCode, Is.EqualTo(2), $"'{Shown(value)}': {result}");
            Assert.That(host.Aws.StsCalls, Is.Zero);
        }
    }

    [Test]
    public async Task Hostile_environment_values_are_exit_2()
    {
        foreach (var variable in new[] { "AWSMFA_TOKEN_CODE", "AWSMFA_SERIAL_NUMBER", "AWS_REGION", "AWSMFA_EXPIRY_MARGIN", "AWSMFA_REQUEST_TIMEOUT", "AWS_PROFILE" })
        {
            foreach (var value in HostileValues.Where(v => v.Trim().Length > 0))
            {
                using var host = new TestHost().WithBaseProfile();
                host.Environment[variable] = value;

                var result = variable == "AWS_PROFILE"
                    ? await host.RunAsync("session", "get")
                    : await host.RunAsync("session", "get", "--profile", "base");

                Assert.That(result.ExitCode, Is.EqualTo(2), $"{variable}='{Shown(value)}': {result}");
                Assert.That(host.Aws.StsCalls, Is.Zero);
            }
        }
    }

    private static string Shown(string value) => value.Length > 40 ? value[..40] + "..." : value.Replace("\n", "\\n", StringComparison.Ordinal);
}
