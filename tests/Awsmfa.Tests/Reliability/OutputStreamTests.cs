using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>stdout and stdin that are not what a terminal gives: closed, full, non-blocking.</summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: file descriptors 0, 1 and 2 through read(2)/write(2)")]
public sealed class OutputStreamTests : FakeAwsToolTest
{

    private static string Awsmfa => ToolProcess.ShellCommand;

    [Test]
    public async Task A_reader_that_goes_away_ends_awsmfa_quietly_with_141()
    {
        var result = await Tool.RunProgramAsync("bash", "-c",
            $"({Awsmfa} session get --profile base --endpoint-url {Aws.Url} -t 123456 -o json; echo \"rc=$?\" >&2) | (exec 0<&-; sleep 1); true");

        Assert.That(result.Stderr, Does.Contain("rc=141"), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("bug"));
    }

    [Test]
    public async Task A_full_disk_under_stdout_is_exit_1_not_success()
    {
        var result = await Tool.RunProgramAsync("sh", "-c", $"{Awsmfa} session get --profile base --endpoint-url {Aws.Url} -t 123456 -o credential-process > /dev/full; echo \"rc=$?\" >&2");

        Assert.That(result.Stderr, Does.Contain("rc=1\n"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("awsmfa: could not write the output"));
    }

    [Test]
    public async Task A_closed_stdout_is_exit_1_not_success()
    {
        var result = await Tool.RunProgramAsync("sh", "-c", $"{Awsmfa} session get --profile base --endpoint-url {Aws.Url} -t 123456 -o credential-process >&-; echo \"rc=$?\" >&2");

        Assert.That(result.Stderr, Does.Contain("rc=1\n"), result.ToString());
    }

    [Test]
    public async Task A_non_blocking_stdin_is_waited_for()
    {
        // Node.js and others leave a pipe in O_NONBLOCK mode; the code arrives half a second later.
        var script = $$"""
            import fcntl, os, subprocess, sys, time
            r, w = os.pipe()
            fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
            p = subprocess.Popen([{{string.Join(", ", new[] { ToolProcess.Command.Program }.Concat(ToolProcess.Command.Prefix).Select(w => $"\"{w}\""))}}, "session", "get", "--profile", "base", "--endpoint-url", "{{Aws.Url}}", "-t", "-", "-o", "json"], stdin=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            os.close(r)
            time.sleep(0.5)
            os.write(w, b"123456\n")
            os.close(w)
            out, err = p.communicate(timeout=60)
            sys.stdout.write(f"rc={p.returncode}\n" + err.decode())
            """;

        var result = await Tool.RunProgramAsync("python3", "-c", script);

        Assert.That(result.Stdout, Does.StartWith("rc=0\n"), result.ToString());
        Assert.That(Aws.SessionsIssued, Is.EqualTo(1));
    }
}
