using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Awsmfa.Platform;

/// <summary>
/// The console itself (<c>CONIN$</c>, <c>CONOUT$</c>), Windows' /dev/tty: a prompt reaches the
/// user even when stdin and stdout are pipes (<c>session get | …</c>, an SDK's credential_process).
/// Absent when the process has no console, or one without a window (a service, a CI job).
/// </summary>
internal sealed partial class WindowsConsole : IDisposable
{
    private const uint GenericRead = 0x80000000;
    private const uint GenericWrite = 0x40000000;
    private const uint FileShareReadWrite = 0x1 | 0x2;
    private const uint OpenExisting = 3;
    private const int MaxLine = 4096;
    private const uint EnableProcessedInput = 0x1;
    private const uint EnableLineInput = 0x2;
    private const uint EnableEchoInput = 0x4;

    private readonly SafeFileHandle _input;
    private readonly SafeFileHandle _output;

    private WindowsConsole(SafeFileHandle input, SafeFileHandle output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>Instances exist only on Windows: this is the one way to get one.</summary>
    [SupportedOSPlatform("windows")]
    public static WindowsConsole? Open()
    {
        // A console without a window (a process started with CREATE_NO_WINDOW, as CI runners,
        // schedulers and services start theirs) has nobody in front of it: a prompt there would
        // wait forever. Windows Terminal's pseudo-consoles do report a window.
        // A window on a desktop nobody uses (a service, a task that runs whether or not the user
        // is logged on) is no better.
        if (GetConsoleWindow() == 0 || !Environment.UserInteractive)
        {
            return null;
        }

        var input = CreateFile("CONIN$", GenericRead | GenericWrite, FileShareReadWrite, 0, OpenExisting, 0, 0);
        // GetConsoleMode fails on anything that is not a console (NUL, a pipe).
        if (input.IsInvalid || !GetConsoleMode(input, out _))
        {
            input.Dispose();
            return null;
        }

        var output = CreateFile("CONOUT$", GenericRead | GenericWrite, FileShareReadWrite, 0, OpenExisting, 0, 0);
        if (output.IsInvalid)
        {
            input.Dispose();
            output.Dispose();
            return null;
        }

        return new WindowsConsole(input, output);
    }

    public unsafe void Write(string text)
    {
        fixed (char* characters = text)
        {
            var offset = 0;
            while (offset < text.Length && WriteConsole(_output, characters + offset, (uint)(text.Length - offset), out var written, 0) && written > 0)
            {
                offset += (int)written;
            }
        }
    }

    /// <summary>A line as typed (the console echoes and edits it), or null at Ctrl+Z or when reading fails.</summary>
    public string? ReadLine() => ReadLine(echo: true);

    /// <summary>A line read with the console's echo off (a secret), or null at Ctrl+Z or when reading fails.</summary>
    public string? ReadLine(bool echo)
    {
        // A program before us may have left the console in raw mode (a TUI that died): then
        // ReadConsole returns key by key, unechoed, and Enter never ends the line.
        var restore = GetConsoleMode(_input, out var mode);
        if (restore)
        {
            var lineMode = mode | EnableProcessedInput | EnableLineInput;
            SetConsoleMode(_input, echo ? lineMode | EnableEchoInput : lineMode & ~EnableEchoInput);
        }

        try
        {
            return ReadLineAsTyped();
        }
        finally
        {
            if (restore)
            {
                SetConsoleMode(_input, mode);
            }
        }
    }

    private unsafe string? ReadLineAsTyped()
    {
        var line = new StringBuilder();
        var buffer = new char[256];
        while (true)
        {
            uint read;
            fixed (char* characters = buffer)
            {
                if (!ReadConsole(_input, characters, (uint)buffer.Length, out read, 0) || read == 0)
                {
                    return null;
                }
            }

            for (var i = 0; i < read; i++)
            {
                switch (buffer[i])
                {
                    case '\n':
                        return line.ToString();
                    case '\r':
                        break;
                    case '\x1a' when line.Length == 0:
                        return null;
                    default:
                        if (line.Length < MaxLine)
                        {
                            line.Append(buffer[i]);
                        }

                        break;
                }
            }
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
    }

    [LibraryImport("kernel32.dll", EntryPoint = "CreateFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial SafeFileHandle CreateFile(string name, uint access, uint share, nint security, uint creation, uint flags, nint template);

    [LibraryImport("kernel32.dll")]
    private static partial nint GetConsoleWindow();

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetConsoleMode(SafeFileHandle handle, out uint mode);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetConsoleMode(SafeFileHandle handle, uint mode);

    [LibraryImport("kernel32.dll", EntryPoint = "ReadConsoleW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool ReadConsole(SafeFileHandle handle, char* buffer, uint toRead, out uint read, nint control);

    [LibraryImport("kernel32.dll", EntryPoint = "WriteConsoleW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool WriteConsole(SafeFileHandle handle, char* buffer, uint toWrite, out uint written, nint reserved);
}
