using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// Every error path, with --verbose: the long-term secret never appears in stdout, stderr or the
/// cache folder, and the session's secret and token appear only where they were asked for.
/// </summary>
[TestFixture]
[Category("Process")]
[NonParallelizable]
public sealed class SecretsTests
{
    [Test]
    public async Task No_error_path_shows_a_secret_it_was_not_asked_for()
    {
        using var aws = new FakeAwsServer();
        using var tool = new ToolProcess();
        var endpoint = new[] { "--endpoint-url", aws.Url, "--verbose" };
        var seeded = await tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "111111", "-o", "json", .. endpoint]);
        Assert.That(seeded.ExitCode, Is.Zero, seeded.ToString());
        const string sessionSecret = "FakeSessionSecretPart1";
        const string sessionToken = "FakeSessionTokenPart1";
        Assert.That(seeded.Stdout, Does.Contain(sessionSecret), "asked for: printed");

        var paths = new List<(string Name, Func<Task<CliResult>> Run)>
        {
            ("reused code", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "111111", "--no-cache", .. endpoint])),
            ("malformed code", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "12", "--refresh", .. endpoint])),
            ("no terminal", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "--refresh", .. endpoint])),
            ("unknown profile", () => tool.RunAsync(null, ["session", "get", "--profile", "nope", .. endpoint])),
            ("closed port", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "222222", "--no-cache", "--endpoint-url", "http://127.0.0.1:9", "--verbose"])),
            ("session list", () => tool.RunAsync(null, ["session", "list", "--verbose"])),
            ("session list json", () => tool.RunAsync(null, ["session", "list", "-o", "json", "--verbose"])),
            ("ec2 list", () => tool.RunAsync(null, ["ec2", "list", "--profile", "base", .. endpoint])),
            ("terminate missing", () => tool.RunAsync(null, ["ec2", "terminate", "i-0123456789abcdef0", "-y", "--profile", "base", .. endpoint])),
            ("exec missing command", () => tool.RunAsync(null, ["exec", "--profile", "base", .. endpoint, "--", "no-such-command-awsmfa"])),
            ("bad option", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "--bogus", "--verbose"])),
        };
        foreach (var mode in new[] { ServerBehaviour.InternalError, ServerBehaviour.Throttle, ServerBehaviour.Hang })
        {
            paths.Add(($"STS {mode}", async () =>
            {
                aws.Mode = mode;
                try
                {
                    return await tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "333333", "--refresh", "--request-timeout", "1s", .. endpoint]);
                }
                finally
                {
                    aws.Mode = ServerBehaviour.Answer;
                }
            }));
            paths.Add(($"EC2 {mode}", async () =>
            {
                aws.Mode = mode;
                try
                {
                    return await tool.RunAsync(null, ["ec2", "list", "--profile", "base", "--request-timeout", "1s", .. endpoint]);
                }
                finally
                {
                    aws.Mode = ServerBehaviour.Answer;
                }
            }));
        }

        foreach (var (name, run) in paths)
        {
            var result = await run();
            var everything = result.Stdout + result.Stderr;
            Assert.That(everything, Does.Not.Contain(ToolProcess.SecretAccessKey), $"{name}: long-term secret\n{result}");
            Assert.That(result.Stderr, Does.Not.Contain(sessionSecret).And.Not.Contain(sessionToken), $"{name}: session secret on stderr\n{result}");
            if (!name.StartsWith("session list", StringComparison.Ordinal) && result.ExitCode != 0)
            {
                Assert.That(result.Stdout, Does.Not.Contain(sessionSecret).And.Not.Contain(sessionToken), $"{name}: session secret on stdout of a failure\n{result}");
            }

            if (name.StartsWith("session list", StringComparison.Ordinal) || name.StartsWith("ec2", StringComparison.Ordinal) || name.StartsWith("terminate", StringComparison.Ordinal))
            {
                Assert.That(result.Stdout, Does.Not.Contain(sessionSecret).And.Not.Contain(sessionToken), $"{name}: not asked for\n{result}");
            }
        }

        foreach (var file in Directory.GetFiles(tool.Home, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("credentials", StringComparison.Ordinal)))
        {
            Assert.That(File.ReadAllText(file), Does.Not.Contain(ToolProcess.SecretAccessKey), file);
        }
    }
}
