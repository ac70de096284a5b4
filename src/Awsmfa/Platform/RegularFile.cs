using Microsoft.Win32.SafeHandles;

namespace Awsmfa.Platform;

/// <summary>
/// Reads a small regular file without blocking: opened non-blocking (a FIFO put in its place
/// cannot hang the read), checked on the open file (Linux), and never more than a cap read.
/// </summary>
internal static class RegularFile
{
    /// <summary>
    /// The file's bytes and what the open file was (null where it cannot be asked); null when the
    /// open file is not regular, is over <paramref name="maxBytes"/>, or grows past it while read.
    /// </summary>
    /// <param name="share">How others may have the file open meanwhile (Windows).</param>
    public static (byte[] Bytes, FileStatus? Opened)? Read(string path, long maxBytes, FileShare share)
    {
        using var handle = NativeFiles.OpenForReading(path) ?? File.OpenHandle(path, FileMode.Open, FileAccess.Read, share);
        var opened = FileStatus.Of(handle);
        if (opened is { } status && (status.Kind != FileKind.Regular || status.Size > maxBytes))
        {
            return null;
        }

        var bytes = ReadAtMost(handle, maxBytes, opened?.Size);
        return bytes is null ? null : (bytes, opened);
    }

    /// <summary>Up to <paramref name="maxBytes"/>, sized for the length the file had when opened; null past the cap.</summary>
    private static byte[]? ReadAtMost(SafeFileHandle handle, long maxBytes, long? expected)
    {
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var buffer = new byte[Math.Min(maxBytes, expected ?? maxBytes) + 1];
        var total = 0;
        int read;
        while ((read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
            if (total == buffer.Length)
            {
                if (buffer.Length > maxBytes)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)maxBytes + 1);
            }
        }

        return buffer[..total];
    }
}
