using System.Text;

namespace Awsmfa.Platform;

/// <summary>Standard input, read without buffering more than asked for.</summary>
internal interface IStandardInput
{
    /// <summary>Exactly one line (the rest stays for whoever reads next, e.g. exec's command); null at end of input.</summary>
    Task<string?> ReadLineAsync(CancellationToken cancellationToken);

    Task<string> ReadToEndAsync(CancellationToken cancellationToken);
}

/// <summary>
/// File descriptor 0 itself, not <see cref="Console.In"/>: a buffered reader would swallow what
/// follows the code (<c>printf '123456\nrest' | awsmfa exec -t - -- cat</c>), and .NET's console
/// reader switches a terminal into keypad mode.
/// </summary>
internal sealed class StandardInput : IStandardInput
{
    private const int MaxLineBytes = 4096;
    private readonly Lazy<Stream> _stream = new(Open);

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var stream = _stream.Value;
        // A blocking read cannot be cancelled; the wait can, so Ctrl-C is not held up.
        return await Task.Run(() => ReadLine(stream), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(_stream.Value, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads byte by byte up to the newline, so not one byte more is taken from the stream.</summary>
    public static string? ReadLine(Stream stream)
    {
        var bytes = new List<byte>(16);
        var one = new byte[1];
        while (true)
        {
            if (stream.Read(one, 0, 1) == 0)
            {
                return bytes.Count == 0 ? null : Encoding.UTF8.GetString([.. bytes]);
            }

            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
            }

            if (bytes.Count < MaxLineBytes)
            {
                bytes.Add(one[0]);
            }
        }
    }

    private static Stream Open() => FileDescriptorStream.Open(0);
}
