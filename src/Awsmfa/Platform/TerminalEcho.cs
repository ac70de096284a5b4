using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Awsmfa.Platform;

/// <summary>
/// Turns a terminal's echo off for a secret and back on after it, as getpass does: termios'
/// ECHO bit, cleared with tcsetattr. The struct is kept opaque; only the local-modes word moves
/// between systems (32-bit flags on Linux, 64-bit on macOS).
/// </summary>
internal sealed unsafe partial class TerminalEcho : IDisposable
{
    private const int Now = 0;
    private const ulong Echo = 0x8;
    private readonly int _fd;
    private readonly byte[] _saved;

    private TerminalEcho(int fd, byte[] saved)
    {
        _fd = fd;
        _saved = saved;
    }

    /// <summary>Echo off until disposed; null when the device is no terminal (nothing to restore).</summary>
    public static TerminalEcho? Off(SafeFileHandle handle)
    {
        var fd = (int)handle.DangerousGetHandle();
        var saved = new byte[256];
        fixed (byte* state = saved)
        {
            if (tcgetattr(fd, state) != 0)
            {
                return null;
            }
        }

        var quiet = (byte[])saved.Clone();
        fixed (byte* state = quiet)
        {
            if (OperatingSystem.IsMacOS())
            {
                *(ulong*)(state + 24) &= ~Echo;
            }
            else
            {
                *(uint*)(state + 12) &= ~(uint)Echo;
            }

            tcsetattr(fd, Now, state);
        }

        return new TerminalEcho(fd, saved);
    }

    public void Dispose()
    {
        fixed (byte* state = _saved)
        {
            tcsetattr(_fd, Now, state);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, byte* state);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int when, byte* state);
}
