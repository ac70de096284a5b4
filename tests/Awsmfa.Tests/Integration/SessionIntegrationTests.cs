using System.Diagnostics;

namespace Awsmfa.Tests.Integration;

[TestFixture]
[Category("Integration")]
[Platform(Exclude = "Win", Reason = "POSIX: eval in bash")]
public sealed class SessionIntegrationTests : MotoToolTest
{
    [Test]
    public async Task Gets_a_session_from_sts_then_serves_it_from_the_cache()
    {
        var first = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Moto.Url, "--token-code", "123456");
        var second = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Moto.Url, "-o", "json");

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(first.Stdout, Does.Match("^export AWS_ACCESS_KEY_ID='[A-Z0-9]+'\nexport AWS_SECRET_ACCESS_KEY='.+'\nexport AWS_SESSION_TOKEN='.+'\nexport AWS_CREDENTIAL_EXPIRATION='\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ'\nexport AWS_REGION='us-east-1'\nexport AWS_DEFAULT_REGION='us-east-1'\n$"));
        Assert.That(first.Stderr, Does.Contain("new from STS"));
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(second.Stderr, Does.Contain("from the cache"));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
        Assert.That(first.Stdout + first.Stderr + second.Stdout + second.Stderr, Does.Not.Contain(ToolProcess.SecretAccessKey));
    }

    [Test]
    public async Task The_sdks_own_AWS_ENDPOINT_URL_is_honoured_without_endpoint_option()
    {
        Tool.Environment["AWS_ENDPOINT_URL"] = Moto.Url;

        var result = await Tool.RunAsync(null, "session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_sdks_AWS_ENDPOINT_URL_STS_is_honoured()
    {
        Tool.Environment["AWS_ENDPOINT_URL_STS"] = Moto.Url;

        var result = await Tool.RunAsync(null, "session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_profiles_endpoint_url_is_honoured()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"\nendpoint_url = {Moto.Url}\n");

        var result = await Tool.RunAsync(null, "session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task Code_from_stdin_and_from_AWSMFA_TOKEN_CODE_work()
    {
        var fromStdin = await Tool.RunAsync("123456\n", "session", "get", "--profile", "base", "--endpoint-url", Moto.Url, "-t", "-", "--no-cache");
        Tool.Environment["AWSMFA_TOKEN_CODE"] = "654321";
        var fromEnvironment = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Moto.Url, "--no-cache");

        Assert.That(fromStdin.ExitCode, Is.Zero, fromStdin.ToString());
        Assert.That(fromEnvironment.ExitCode, Is.Zero, fromEnvironment.ToString());
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(2));
    }

    [Test]
    public async Task Parallel_processes_with_one_code_make_exactly_one_sts_call()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Moto.Url, "-t", "123456", "-o", "json")));

        Assert.That(runs.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", runs.Select(r => r.ToString())));
        Assert.That(runs.Select(r => r.Stdout).Distinct().Count(), Is.EqualTo(1), "all print the same session");
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task Eval_in_a_real_shell_then_a_second_run_is_served_from_the_cache()
    {
        File.Copy(Path.Combine(Tool.AwsFolder, "credentials"), Path.Combine(Tool.AwsFolder, "credentials.base"));
        File.WriteAllText(
            Path.Combine(Tool.AwsFolder, "credentials"),
            File.ReadAllText(Path.Combine(Tool.AwsFolder, "credentials.base")).Replace("[base]", "[default]", StringComparison.Ordinal));
        var awsmfa = ToolProcess.ShellCommand;
        var script = $"""
            set -e
            eval "$({awsmfa} session get --endpoint-url {Moto.Url} -t 123456 -q)"
            test -n "$AWS_SESSION_TOKEN"
            first="$AWS_SESSION_TOKEN"
            eval "$({awsmfa} session get --endpoint-url {Moto.Url} -q)"
            test "$first" = "$AWS_SESSION_TOKEN" && echo same-session
            """;
        var result = await Tool.RunProgramAsync("bash", "-c", script);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Trim(), Is.EqualTo("same-session"));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task No_code_and_no_terminal_exits_2_at_once()
    {
        var clock = Stopwatch.StartNew();

        var result = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Moto.Url);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("there is no terminal to ask"));
        // Far inside the harness's own 60 s: one process start, no waiting.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(Moto.CountCalls("GetSessionToken"), Is.Zero);
    }

    [Test]
    public async Task Unreachable_endpoint_is_exit_1_in_one_line()
    {
        var result = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", "http://127.0.0.1:9", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: could not reach STS"));
        Assert.That(result.Stderr.TrimEnd('\n'), Does.Not.Contain('\n'));
    }
}
