using Awsmfa.Credentials;

namespace Awsmfa.Tests.Support;

/// <summary>An mfa_process that answers from a script of codes (the last one again when they run out) and counts its runs.</summary>
public sealed class FakeMfaProcess : IMfaProcess
{
    private readonly Queue<string> _codes;
    private string? _last;

    public FakeMfaProcess(params string[] codes) => _codes = new Queue<string>(codes);

    public List<string> Commands { get; } = [];

    public int Runs => Commands.Count;

    public Task<string> GetCodeAsync(string command, CancellationToken cancellationToken)
    {
        Commands.Add(command);
        _last = _codes.Count > 0 ? _codes.Dequeue() : _last;
        return Task.FromResult(_last ?? throw new InvalidOperationException("No code scripted."));
    }
}
