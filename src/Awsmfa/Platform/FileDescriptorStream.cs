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
    private const int WouldBlock = 11; // EAGAIN on Linux
    private const int WouldBlockBsd = 35; // EAGAIN on macOS
    private const int BrokenPipe = 32; // EPIPE
    private const short PollIn = 0x1;
    private const short PollOut = 0x4;

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

                var error = Marshal.GetLastPInvokeError();
                if (error is WouldBlock or WouldBlockBsd)
                {
                    // A non-blocking stdin (as Node.js leaves a pipe): wait until there is input.
                    Wait(PollIn);
                }
                else if (error != Interrupted)
                {
                    throw new IOException($"cannot read file descriptor {fd} (errno {error})");
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
                else
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error is WouldBlock or WouldBlockBsd)
                    {
                        Wait(PollOut);
                    }
                    else if (fd == 2)
                    {
                        // stderr is gone: there is nowhere left to report anything.
                        return;
                    }
                    else if (error != Interrupted)
                    {
                        throw new OutputClosedException(fd, error == BrokenPipe, error);
                    }
                }
            }
        }
    }

    public override void Flush()
    {
    }

    private unsafe void Wait(short events)
    {
        var poll = new PollFd { Fd = fd, Events = events };
        _ = Poll(&poll, 1, -1);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* buffer, nint count);
}

/// <summary>A standard stream could not be written: its reader went away (EPIPE, as under <c>| head</c>) or the disk is full.</summary>
internal sealed class OutputClosedException(int fd, bool brokenPipe, int error)
    : IOException(brokenPipe ? $"file descriptor {fd} was closed by its reader" : $"cannot write file descriptor {fd} (errno {error})")
{
    public int Fd { get; } = fd;

    public bool BrokenPipe { get; } = brokenPipe;
}
