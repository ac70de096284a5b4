using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// Every error path, with --verbose: the long-term secret never appears in stdout, stderr or the
/// cache folder, and the session's secret and token appear only where they were asked for.
/// </summary>
[TestFixture]
[Category("Process")]
public sealed class SecretsTests
{
    [Test]
    [Platform(Exclude = "Win", Reason = "a pseudo-terminal through script(1)")]
    public async Task Keys_add_stdin_at_a_terminal_is_refused_before_a_line_is_read()
    {
        using var tool = new ToolProcess();
        // Nothing is typed: the refusal must come at once, not after the secret was typed (and shown).
        var start = tool.OnTerminal($"{ToolProcess.ShellCommand} keys add --profile typed --stdin; echo \"exit=$?\"");
        using var process = System.Diagnostics.Process.Start(start)!;
        var terminal = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("keys add --stdin waited for lines typed at the terminal");
        }

        var shown = await terminal;
        Assert.That(shown, Does.Contain("--stdin is for a pipe or a file; at a terminal, leave it out"));
        Assert.That(shown, Does.Contain("exit=2"));
    }

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

        // Each path must end where it is meant to (its exit code and its message), or the sweep
        // would pass on an earlier failure that never reached the path it is about.
        var paths = new List<(string Name, int Exit, string Says, Func<Task<CliResult>> Run)>
        {
            ("reused code", 3, "this MFA code was already used", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "111111", "--no-cache", .. endpoint])),
            ("malformed code", 2, "--token-code is not a valid MFA code", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "12", "--refresh", .. endpoint])),
            ("no terminal", 2, "an MFA code is needed and there is no terminal to ask", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "--refresh", .. endpoint])),
            ("unknown profile", 2, "profile 'nope' was not found", () => tool.RunAsync(null, ["session", "get", "--profile", "nope", .. endpoint])),
            ("closed port", 1, "could not reach STS: Connection refused (127.0.0.1:9)", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "-t", "222222", "--no-cache", "--endpoint-url", "http://127.0.0.1:9", "--verbose"])),
            ("session list", 0, "", () => tool.RunAsync(null, ["session", "list", "--verbose"])),
            ("session list json", 0, "", () => tool.RunAsync(null, ["session", "list", "-o", "json", "--verbose"])),
            ("ec2 list", 0, "0 instances", () => tool.RunAsync(null, ["ec2", "list", "--profile", "base", .. endpoint])),
            ("terminate missing", 1, "no such instance in us-east-1: i-0123456789abcdef0", () => tool.RunAsync(null, ["ec2", "terminate", "i-0123456789abcdef0", "-y", "--profile", "base", .. endpoint])),
            ("exec missing command", 127, "no-such-command-awsmfa", () => tool.RunAsync(null, ["exec", "--profile", "base", .. endpoint, "--", "no-such-command-awsmfa"])),
            ("bad option", 2, "unknown option '--bogus'", () => tool.RunAsync(null, ["session", "get", "--profile", "base", "--bogus", "--verbose"])),
        };
        foreach (var (mode, sts, ec2) in new[]
        {
            (ServerBehaviour.InternalError, "STS failed with HTTP 500", "EC2 failed with HTTP 500"),
            (ServerBehaviour.Throttle, "STS is throttling requests", "EC2 is throttling requests"),
            (ServerBehaviour.Hang, "could not reach STS: no answer", "could not reach EC2: no answer"),
        })
        {
            paths.Add(($"STS {mode}", 1, sts, async () =>
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
            paths.Add(($"EC2 {mode}", 1, ec2, async () =>
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

        foreach (var (name, exit, says, run) in paths)
        {
            var result = await run();
            Assert.That(result.ExitCode, Is.EqualTo(exit), $"{name}: the path it is about\n{result}");
            Assert.That(result.Stderr, Does.Contain(says), $"{name}: the path it is about\n{result}");
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
