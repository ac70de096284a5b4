using System.ComponentModel;
using System.Diagnostics;

namespace Awsmfa.Platform;

/// <summary>Opens a URL in the user's browser: <c>$BROWSER</c>, else the desktop's opener.</summary>
internal interface IBrowser
{
    /// <summary>True when a browser (or opener) was started with the URL.</summary>
    bool TryOpen(Uri url);
}

internal sealed class Browser(IEnvironment environment) : IBrowser
{
    public bool TryOpen(Uri url)
    {
        // $BROWSER, as xdg-utils and Python's webbrowser read it: commands separated by ':', each
        // with %s for the URL or taking it as its last argument; run without a shell.
        if (environment.Get("BROWSER") is { Length: > 0 } browsers)
        {
            foreach (var entry in browsers.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var words = CommandLine.Split(entry).ToList();
                if (words.Count == 0)
                {
                    continue;
                }

                var args = words.Skip(1).Select(w => w.Replace("%s", url.AbsoluteUri, StringComparison.Ordinal)).ToList();
                if (!words.Skip(1).Any(w => w.Contains("%s", StringComparison.Ordinal)))
                {
                    args.Add(url.AbsoluteUri);
                }

                if (Start(new ProcessStartInfo(words[0], args)))
                {
                    return true;
                }
            }

            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return Start(new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true });
        }

        if (OperatingSystem.IsMacOS())
        {
            return Start(new ProcessStartInfo("open", [url.AbsoluteUri]));
        }

        // xdg-open needs a desktop session to hand the URL to.
        return (environment.Get("DISPLAY") is not null || environment.Get("WAYLAND_DISPLAY") is not null)
            && Start(new ProcessStartInfo("xdg-open", [url.AbsoluteUri]));
    }

    private bool Start(ProcessStartInfo start)
    {
        if (!start.UseShellExecute && !OperatingSystem.IsWindows())
        {
            // Found as every helper is (absolute PATH entries only): sh would look in an empty or
            // relative entry, and run ./xdg-open from the folder awsmfa was started in.
            if (ProgramPath.Resolve(start.FileName, environment.Get("PATH")) is not { } program)
            {
                return false;
            }

            // The browser must not hold awsmfa's stdout (a $(...) would wait for it to quit) nor
            // write into it: sh execs it with /dev/null for its streams; the URL stays an argument,
            // never shell text.
            var args = start.ArgumentList.ToList();
            start = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$@\" </dev/null >/dev/null 2>&1", "sh", program, .. args]);
        }

        // A code given to awsmfa is no business of the browser's. (A shell-executed start, Windows'
        // own opener, takes no environment of its own: .NET refuses one there.)
        if (!start.UseShellExecute)
        {
            start.Environment.Remove(Credentials.MfaCodeSource.EnvironmentVariable);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            // An opener that fails at once (no such program, no handler for https) is no
            // success; one that is still running (a browser) or exited 0 is.
            return start.UseShellExecute || !process.WaitForExit(TimeSpan.FromSeconds(2)) || process.ExitCode == 0;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
