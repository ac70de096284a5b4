using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Awsmfa.Platform;

/// <summary>What a file is, whose it is and who may use it, from statx(2), which .NET does not expose.</summary>
/// <remarks>
/// Linux only (statx has one layout on every architecture). Elsewhere <see cref="Of(string)"/>
/// answers from .NET's own file information, without the owner.
/// </remarks>
/// <param name="Changed">When the file last changed: its status change time (ctime, which no tool can set back) on Linux, its last write elsewhere.</param>
/// <param name="Links">Hard links to the file (1 where the system does not say).</param>
internal readonly record struct FileStatus(FileKind Kind, uint? OwnerId, UnixFileMode Mode, long Size, ulong Inode, DateTimeOffset? Changed = null, uint Links = 1)
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public bool IsSomeoneElses => OwnerId is { } owner && owner != NativeFiles.EffectiveUserId;

    public bool OthersCanAccess => !OperatingSystem.IsWindows() && (Mode & GroupOrOther) != 0;

    /// <summary>The path itself, not where a link leads; null when it does not exist.</summary>
    public static FileStatus? Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            return NativeFiles.Statx(NativeFiles.AtFdCwd, path, NativeFiles.AtSymlinkNoFollow, out var status) ? status : null;
        }

        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
            if (!info.Exists)
            {
                return null;
            }
        }

        var kind = info.LinkTarget is not null ? FileKind.Link
            : info is DirectoryInfo ? FileKind.Directory
            : FileKind.Regular;
        return new FileStatus(kind, null, OperatingSystem.IsWindows() ? 0 : info.UnixFileMode, info is FileInfo file ? file.Length : 0, 0, info.LastWriteTimeUtc);
    }

    /// <summary>Where the path leads, links followed; null when nothing is there.</summary>
    public static FileStatus? Following(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            return NativeFiles.Statx(NativeFiles.AtFdCwd, path, 0, out var status) ? status : null;
        }

        var file = new FileInfo(path);
        if (file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
        {
            file = target;
        }

        if (!file.Exists)
        {
            return Directory.Exists(path) ? new FileStatus(FileKind.Directory, null, 0, 0, 0) : null;
        }

        return new FileStatus(FileKind.Regular, null, OperatingSystem.IsWindows() ? 0 : file.UnixFileMode, file.Length, 0, file.LastWriteTimeUtc);
    }

    /// <summary>The open file itself (Linux), so a check cannot be raced by swapping the path.</summary>
    public static FileStatus? Of(SafeFileHandle handle) =>
        OperatingSystem.IsLinux() && NativeFiles.Statx((int)handle.DangerousGetHandle(), string.Empty, NativeFiles.AtEmptyPath, out var status)
            ? status
            : null;
}

internal enum FileKind
{
    Regular,
    Directory,
    Link,
    Other,
}

internal static partial class NativeFiles
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int OpenReadOnlyNonBlockingCloseOnExec = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC

    public static uint EffectiveUserId => OperatingSystem.IsWindows() ? 0 : GetEffectiveUserId();

    public static bool Statx(int directory, string path, int flags, out FileStatus status)
    {
        status = default;
        try
        {
            if (StatxNative(directory, path, flags, StatxBasicStats, out var buffer) != 0)
            {
                return false;
            }

            var kind = (buffer.Mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xA000 => FileKind.Link,
                _ => FileKind.Other,
            };
            var changed = DateTimeOffset.FromUnixTimeSeconds(buffer.ChangeSeconds).AddTicks(buffer.ChangeNanoseconds / 100);
            status = new FileStatus(kind, buffer.Uid, (UnixFileMode)(buffer.Mode & 0x1FF), (long)buffer.Size, buffer.Inode, changed, buffer.Links);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Opens for reading without blocking (a FIFO planted under an entry's name must not hang
    /// awsmfa); Linux and macOS, null elsewhere or on failure.
    /// </summary>
    public static SafeFileHandle? OpenForReading(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        // The flags' values differ: O_NONBLOCK and O_CLOEXEC are 0x4 and 0x1000000 on macOS.
        var fd = Open(path, OperatingSystem.IsMacOS() ? 0x4 | 0x1000000 : OpenReadOnlyNonBlockingCloseOnExec);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int directory, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    // struct statx: 256 bytes; only the leading fields are read.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(16)]
        public uint Links;

        [FieldOffset(20)]
        public uint Uid;

        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(40)]
        public ulong Size;

        // stx_ctime, a struct statx_timestamp { s64 tv_sec; u32 tv_nsec; }
        [FieldOffset(96)]
        public long ChangeSeconds;

        [FieldOffset(104)]
        public uint ChangeNanoseconds;
    }
}
