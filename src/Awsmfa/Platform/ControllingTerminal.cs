using System.Text;

namespace Awsmfa.Platform;

internal sealed class ControllingTerminal : ITerminal, IDisposable
{
    private readonly Lazy<FileStream?> _device = new(Open);

    public bool IsAvailable => OperatingSystem.IsWindows() ? !Console.IsInputRedirected : _device.Value is not null;

    public bool StdoutIsTerminal => !Console.IsOutputRedirected;

    public async Task<string?> PromptAsync(string prompt, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            // No /dev/tty: the console itself, which credential_process callers leave attached.
            await Console.Error.WriteAsync(prompt).ConfigureAwait(false);
            return await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var device = _device.Value ?? throw new InvalidOperationException("No terminal.");
        WriteRaw(device, prompt);
        // A read from a terminal cannot be cancelled, so the wait is: Ctrl-C must end the
        // process at once instead of after the user presses Enter.
        return await Task.Run(() => ReadLine(device), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void WriteLine(string text)
    {
        if (OperatingSystem.IsWindows())
        {
            Console.Error.WriteLine(text);
            return;
        }

        var device = _device.Value ?? throw new InvalidOperationException("No terminal.");
        WriteRaw(device, text + "\n");
    }

    public void Write(string text)
    {
        if (OperatingSystem.IsWindows())
        {
            Console.Error.Write(text);
            return;
        }

        var device = _device.Value ?? throw new InvalidOperationException("No terminal.");
        WriteRaw(device, text);
    }

    public void Dispose()
    {
        if (_device.IsValueCreated)
        {
            _device.Value?.Dispose();
        }
    }

    private static FileStream? Open()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            // Opening /dev/tty fails with ENXIO when the process has no controlling terminal
            // (CI, cron, an SDK without a console): that is "no terminal", never a hang.
            return new FileStream("/dev/tty", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    private static void WriteRaw(FileStream device, string text)
    {
        device.Write(Encoding.UTF8.GetBytes(text));
        device.Flush();
    }

    private static string? ReadLine(FileStream device)
    {
        var bytes = new List<byte>(16);
        var one = new byte[1];
        while (true)
        {
            var read = device.Read(one, 0, 1);
            if (read == 0)
            {
                return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
            }

            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString(bytes.ToArray()).TrimEnd('\r');
            }

            if (bytes.Count < 4096)
            {
                bytes.Add(one[0]);
            }
        }
    }
}
