namespace Awsmfa.Platform;

/// <summary>
/// The controlling terminal, reached directly rather than through stdin/stdout: a prompt must
/// work when all three standard streams are redirected, as under <c>$(...)</c> or an SDK's
/// <c>credential_process</c>.
/// </summary>
internal interface ITerminal
{
    /// <summary>True when there is a terminal to ask.</summary>
    bool IsAvailable { get; }

    /// <summary>True when stdout goes to a terminal (a person reads it) rather than a pipe or file.</summary>
    bool StdoutIsTerminal { get; }

    /// <summary>Shows <paramref name="prompt"/> and reads one line; null at end of input.</summary>
    Task<string?> PromptAsync(string prompt, CancellationToken cancellationToken);

    /// <summary>Like <see cref="PromptAsync"/>, with the terminal's echo off: what is typed (a secret) is not shown.</summary>
    Task<string?> PromptSecretAsync(string prompt, CancellationToken cancellationToken);

    /// <summary>Writes a line on the terminal (for confirmations and their context).</summary>
    void WriteLine(string text);

    /// <summary>Writes text as it is, without a line break (what a child process said, as it said it).</summary>
    void Write(string text);
}
