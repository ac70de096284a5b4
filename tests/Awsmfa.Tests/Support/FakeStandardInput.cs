using System.Text;
using Awsmfa.Platform;

namespace Awsmfa.Tests.Support;

/// <summary>Standard input from a string, read the way the real one is: one line takes exactly one line.</summary>
internal sealed class FakeStandardInput(Func<string> text) : IStandardInput
{
    private MemoryStream? _stream;

    private MemoryStream Stream => _stream ??= new MemoryStream(Encoding.UTF8.GetBytes(text()));

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => Task.FromResult(StandardInput.ReadLine(Stream));

    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(Stream, Encoding.UTF8, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
