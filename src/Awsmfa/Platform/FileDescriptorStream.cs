using System.Runtime.InteropServices;

namespace Awsmfa.Platform;

/// <summary>
/// A standard stream (0, 1 or 2) read and written with read(2) and write(2) themselves.
/// Not <see cref="Console"/>'s streams, which switch a terminal into keypad mode the first time
/// they are used; and not a <see cref="FileStream"/>, which on a regular file reads and writes at
/// its own offset (pread/pwrite) and so would overwrite what the shell writes after awsmfa
/// (<c>{ awsmfa …; echo done; } &gt; file</c>) or leave a read line for exec's command to read again.
/// </summary>
internal sealed partial class FileDescriptorStream(int fd, FileAccess access) : Stream
{
    private const int Interrupted = 4; // EINTR

    public override bool CanRead => access.HasFlag(FileAccess.Read);

    public override bool CanWrite => access.HasFlag(FileAccess.Write);

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The standard stream as a <see cref="Stream"/>; on Windows, the console's own.</summary>
    public static Stream Open(int fd) => OperatingSystem.IsWindows()
        ? fd switch { 0 => Console.OpenStandardInput(), 1 => Console.OpenStandardOutput(), _ => Console.OpenStandardError() }
        : new FileDescriptorStream(fd, fd == 0 ? FileAccess.Read : FileAccess.Write);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* bytes = buffer)
        {
            while (true)
            {
                var read = ReadNative(fd, bytes, buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }

                if (Marshal.GetLastPInvokeError() != Interrupted)
                {
                    throw new IOException($"cannot read file descriptor {fd} (errno {Marshal.GetLastPInvokeError()})");
                }
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* bytes = buffer)
        {
            var written = 0;
            while (written < buffer.Length)
            {
                var result = WriteNative(fd, bytes + written, buffer.Length - written);
                if (result >= 0)
                {
                    written += (int)result;
                }
                else if (Marshal.GetLastPInvokeError() != Interrupted)
                {
                    throw new IOException($"cannot write file descriptor {fd} (errno {Marshal.GetLastPInvokeError()})");
                }
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* buffer, nint count);
}
