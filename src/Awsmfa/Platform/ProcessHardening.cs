using System.Runtime.InteropServices;

namespace Awsmfa.Platform;

/// <summary>
/// Keeps secrets in memory out of core files: a crash of a process that holds the long-term
/// secret and a session secret must not leave both in a file (or hand them to a crash reporter).
/// </summary>
internal static partial class ProcessHardening
{
    private const int RlimitCore = 4;
    private const int PrSetDumpable = 4;

    public static void DisableCoreDumps()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            // Soft limit 0: no core file. The hard limit stays, so a child of exec may raise its own.
            if (GetResourceLimit(RlimitCore, out var limit) == 0)
            {
                limit.Current = 0;
                _ = SetResourceLimit(RlimitCore, in limit);
            }

            if (OperatingSystem.IsLinux())
            {
                // Not dumpable: no core file whatever the limit, and no ptrace or /proc/PID/mem by
                // other processes of the same user that are not its parent.
                _ = Prctl(PrSetDumpable, 0, 0, 0, 0);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // A libc without these calls: nothing more can be done.
        }
    }

    private const int RlimitNoFileLinux = 7;

    /// <summary>
    /// Raises the soft limit on open files to the hard one, as Go programs do at start: a server
    /// that other local users can connect to must not be starved of descriptors by a soft limit
    /// of 1,024 while the hard limit allows far more. Linux only; returns the limit in force.
    /// </summary>
    public static long? RaiseOpenFileLimit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            if (GetResourceLimit(RlimitNoFileLinux, out var limit) != 0)
            {
                return null;
            }

            if (limit.Current < limit.Maximum)
            {
                var raised = limit with { Current = limit.Maximum };
                if (SetResourceLimit(RlimitNoFileLinux, in raised) == 0)
                {
                    limit = raised;
                }
            }

            return limit.Current > (nuint)int.MaxValue ? int.MaxValue : (long)limit.Current;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Linux: processes the command leaves behind (daemons that fork twice included) become
    /// awsmfa's children when their parent exits, instead of init's, so that they can be found
    /// and waited for (PR_SET_CHILD_SUBREAPER). False elsewhere, or when it could not be set.
    /// </summary>
    public static bool AdoptOrphans()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return Prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private const int PrSetChildSubreaper = 36;

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetResourceLimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetResourceLimit(int resource, in ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        // rlim_t is an unsigned long: 64 bits on 64-bit Linux and macOS, 32 on 32-bit ARM.
        public nuint Current;
        public nuint Maximum;
    }
}
