using System.Text;

namespace Awsmfa.Platform;

/// <summary>Which running processes hold a given variable in their environment (Linux: /proc/PID/environ).</summary>
internal static class ProcessEnvironments
{
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
        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var count = 0;
        string[] entries;
        try
        {
            entries = Directory.GetDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var entry in entries)
        {
            var pid = Path.GetFileName(entry);
            if (pid == self || pid.Length == 0 || !pid.All(char.IsAsciiDigit))
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
}
