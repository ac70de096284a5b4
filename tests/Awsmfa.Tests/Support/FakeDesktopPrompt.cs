using Awsmfa.Platform;

namespace Awsmfa.Tests.Support;

/// <summary>A desktop dialog that answers from a script and records what it was asked.</summary>
internal sealed class FakeDesktopPrompt : IDesktopPrompt
{
    public Queue<DialogAnswer> Answers { get; } = new();

    public List<(string Title, string Text, TimeSpan Timeout)> Asked { get; } = [];

    public string Name => "fake dialog";

    public Task<DialogAnswer> AskAsync(string title, string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Asked.Add((title, text, timeout));
        return Task.FromResult(Answers.Count > 0 ? Answers.Dequeue() : new DialogAnswer(null, Cancelled: true));
    }

    public void Answer(params string[] codes)
    {
        foreach (var code in codes)
        {
            Answers.Enqueue(new DialogAnswer(code));
        }
    }
}
