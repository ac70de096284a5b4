using System.Diagnostics;

namespace Awsmfa.Tests.Support;

/// <summary>Runs a child process to the end, as the process tests all do.</summary>
internal static class Processes
{
    /// <summary>
    /// Starts <paramref name="start"/> (its standard streams redirected), writes
    /// <paramref name="stdin"/> and closes it, and waits: past <paramref name="timeout"/> the
    /// process and its children are killed and the test fails naming <paramref name="what"/>.
    /// </summary>
    public static async Task<CliResult> RunAsync(ProcessStartInfo start, string? stdin, TimeSpan timeout, string what)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{what} did not finish within {timeout}");
        }

        // Something the program left behind may hold its pipes open (Wine's helper processes do
        // for a few seconds): what it wrote is there, but not forever.
        await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(30));
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The program <paramref name="name"/> as the shell would find it on PATH (with PATHEXT on Windows), or null.</summary>
    internal static string? FindOnPath(string name)
    {
        var extensions = OperatingSystem.IsWindows()
            ? ["", .. (Environment.GetEnvironmentVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(';', StringSplitOptions.RemoveEmptyEntries)]
            : new[] { "" };
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => extensions.Select(extension => Path.Combine(folder, name + extension)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// What a process that did not end is doing, for the message of the test that waited for it:
    /// the processes of its session (state, what each thread waits in) and their signal masks.
    /// A hang that happens once in a while is found from this, not retried.
    /// </summary>
    public static string DescribeStuck(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"process {pid} did not end";
        }

        var text = new System.Text.StringBuilder($"process {pid} did not end; its session:\n");
        try
        {
            var own = File.ReadAllText($"/proc/{pid}/stat");
            var session = own[(own.LastIndexOf(')') + 2)..].Split(' ')[3];
            foreach (var dir in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (fields[3] != session)
                    {
                        continue;
                    }

                    var status = File.ReadAllLines(Path.Combine(dir, "status")).Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("ShdPnd", StringComparison.Ordinal));
                    var threads = Directory.GetDirectories(Path.Combine(dir, "task"))
                        .Select(t => $"{File.ReadAllText(Path.Combine(t, "comm")).Trim()}@{File.ReadAllText(Path.Combine(t, "wchan")).Trim()}")
                        .GroupBy(t => t).Select(g => $"{g.Key}x{g.Count()}");
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {Path.GetFileName(dir)} ppid {fields[1]} state {fields[0]} pgrp {fields[2]} tpgid {fields[5]}: {File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()}\n")
                        .Append(System.Globalization.CultureInfo.InvariantCulture, $"    {string.Join(", ", status)}\n    threads: {string.Join(" ", threads)}\n");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            text.Append(e.Message);
        }

        return text.ToString();
    }


    /// <summary>
    /// A runner started with SIGINT or SIGQUIT ignored (a script's <c>&amp;</c>, nohup, some CI
    /// runners) passes that on to every child, and a program rightly keeps ignoring what it was
    /// started ignoring: tests that signal a child start it through <c>env --default-signal</c>
    /// then, so the child gets the disposition a terminal gives it.
    /// </summary>
    public static (string Program, IEnumerable<string> Args) WithDefaultSignals(string program, IEnumerable<string> args)
    {
        if (!IgnoredSignals.Value)
        {
            return (program, args);
        }

        return FindOnPath("env") is { } env ? (env, ["--default-signal=INT,QUIT", program, .. args]) : (program, args);
    }

    private static readonly Lazy<bool> IgnoredSignals = new(() =>
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        // SigIgn: a hexadecimal mask, bit N-1 for signal N (SIGINT 2, SIGQUIT 3).
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var mask)
            && (mask & 0b110) != 0;
    });
}
