using System.Runtime.InteropServices;

namespace Awsmfa.Platform;

/// <summary>
/// Who owns a file, which .NET does not expose. Linux only (statx has one layout on every
/// architecture); elsewhere the answer is "unknown" and the mode checks still apply.
/// </summary>
internal static partial class FileOwner
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;

    /// <summary>True when <paramref name="path"/> (not following a link) belongs to another user than this process's.</summary>
    public static bool IsSomeoneElses(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, out var status) == 0
                && (status.Mask & StatxUid) != 0
                && status.Uid != GetEffectiveUserId();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    // struct statx: 256 bytes; only the leading fields are read.
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct StatxBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Links;
        public uint Uid;
    }
}
