using Awsmfa.Platform;

namespace Awsmfa.Tests.Support;

/// <summary>A terminal that answers prompts from a queue and records what was shown.</summary>
internal sealed class FakeTerminal : ITerminal
{
    public bool IsAvailable { get; set; }

    public bool StdoutIsTerminal { get; set; }

    public Queue<string?> Answers { get; } = new();

    public List<string> Shown { get; } = [];

    public Task<string?> PromptAsync(string prompt, CancellationToken cancellationToken)
    {
        Shown.Add(prompt);
        return Task.FromResult(Answers.Count > 0 ? Answers.Dequeue() : null);
    }

    /// <summary>The prompts that asked for a secret (echo off).</summary>
    public List<string> SecretPrompts { get; } = [];

    public Task<string?> PromptSecretAsync(string prompt, CancellationToken cancellationToken)
    {
        SecretPrompts.Add(prompt);
        return PromptAsync(prompt, cancellationToken);
    }

    public void WriteLine(string text) => Shown.Add(text);

    public void Write(string text) => Shown.Add(text);

    public void Answer(params string?[] answers)
    {
        IsAvailable = true;
        foreach (var answer in answers)
        {
            Answers.Enqueue(answer);
        }
    }
}
