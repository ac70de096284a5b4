using System.Text;

namespace Awsmfa.Platform;

/// <summary>Which running processes hold a given variable in their environment (Linux: /proc/PID/environ).</summary>
internal static class ProcessEnvironments
{
    /// <summary>
    /// Linux: how many processes below this one are still alive (zombies not counted), following
    /// each process's parent in /proc/PID/stat; 0 elsewhere.
    /// </summary>
    public static int CountLiveDescendants()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var parents = new Dictionary<int, int>();
        foreach (var (pid, entry) in Processes())
        {
            try
            {
                // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so read from the last ')'.
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && fields[0] != "Z" && int.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parent))
                {
                    parents[pid] = parent;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        var self = Environment.ProcessId;
        var count = 0;
        foreach (var (pid, first) in parents)
        {
            for (var (parent, hops) = (first, 0); parent > 1 && hops < 4096; parent = parents.GetValueOrDefault(parent), hops++)
            {
                if (parent == self)
                {
                    count += pid == self ? 0 : 1;
                    break;
                }
            }
        }

        return count;
    }

    /// <summary>
    /// How many other processes of this user were started with <c>NAME=VALUE</c>; 0 where the
    /// system does not say (macOS, Windows), so callers never wait for nothing.
    /// </summary>
    public static int CountHolding(string name, string value)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var needle = Encoding.UTF8.GetBytes($"{name}={value}\0");
        var count = 0;
        foreach (var (pid, entry) in Processes())
        {
            if (pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                // Other users' processes are unreadable (EACCES): they cannot hold this token.
                var environment = File.ReadAllBytes(Path.Combine(entry, "environ"));
                if (environment.AsSpan().IndexOf(needle) >= 0)
                {
                    count++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours.
            }
        }

        return count;
    }

    /// <summary>Every process's id and /proc folder; none when /proc cannot be listed.</summary>
    private static IEnumerable<(int Pid, string Folder)> Processes()
    {
        string[] entries;
        try
        {
            entries = Directory.GetDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
            {
                yield return (pid, entry);
            }
        }
    }
}
