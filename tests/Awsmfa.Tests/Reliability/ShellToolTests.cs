using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>What a person at a shell meets, through the built tool: the hint to load a session, and <c>exec</c> with no command.</summary>
[TestFixture]
[Category("Process")]
[Platform("Linux", Reason = "util-linux script(1) gives the tool a terminal of its own")]
public sealed class ShellToolTests : FakeAwsToolTest
{
    [Test]
    public async Task The_load_hint_repeats_every_option_that_changes_the_session()
    {
        // stdout on the terminal, stderr kept apart: the hint is for a person looking at the terminal.
        var stderr = Path.Combine(Tool.Home, "stderr");
        var start = Tool.OnTerminal($"{ToolProcess.ShellCommand} session get --profile base --region eu-west-1 -o fish -t 123456 --endpoint-url {Aws.Url} 2> '{stderr}' < /dev/null");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var terminal = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.That(process.ExitCode, Is.Zero, terminal);
        Assert.That(terminal, Does.Contain("set -gx AWS_REGION 'eu-west-1'"), "the session itself, on the terminal");
        Assert.That(
            File.ReadAllText(stderr),
            Does.Contain($"awsmfa: to load these into your shell: awsmfa session get --profile base --region eu-west-1 --endpoint-url {Aws.Url} -o fish | source\n"));
    }

    [Test]
    public async Task Exec_without_a_command_starts_the_users_shell_with_the_session_and_ends_with_its_status()
    {
        var shell = Path.Combine(Tool.Home, "my-shell");
        File.WriteAllText(shell, "#!/bin/sh\necho \"shell with $AWS_ACCESS_KEY_ID in $AWS_REGION, args: $#\"\nexit 5\n");
        File.SetUnixFileMode(shell, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Tool.Environment["SHELL"] = shell;

        var result = await Tool.RunAsync(null, ["exec", "--profile", "base", "--region", "eu-west-1", "-t", "123456", "--endpoint-url", Aws.Url]);

        Assert.That(result.ExitCode, Is.EqualTo(5), result.ToString());
        Assert.That(result.Stdout, Does.Match(@"^shell with ASIA[A-Z0-9]+ in eu-west-1, args: 0\n$"));
    }
}
