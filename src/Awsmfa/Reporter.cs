namespace Awsmfa;

/// <summary>
/// Messages for people, on stderr: never data, never a secret. Each is one line made safe for a
/// terminal (<see cref="Output.Printable"/>: control characters become spaces, alignment is kept):
/// messages quote names from the config files and answers from AWS, which may carry escape sequences.
/// </summary>
internal sealed class Reporter(TextWriter error, bool verbose, bool quiet = false)
{
    public TextWriter Error { get; } = error;

    public bool IsVerbose { get; } = verbose;

    /// <summary>Progress and status lines; <c>--quiet</c> drops them.</summary>
    public void Info(string message)
    {
        if (!quiet)
        {
            Error.WriteLine("awsmfa: " + Output.Printable.Clean(message));
        }
    }

    /// <summary>What a helper (an <c>mfa_process</c>, a <c>credential_process</c>) asks the person to do, "touch your key": shown even with <c>--quiet</c>, which silences awsmfa, not them.</summary>
    public void Relay(string message) => Error.WriteLine("awsmfa: " + Output.Printable.Clean(message));

    /// <summary>Something the user should know even with <c>--quiet</c>.</summary>
    public void Warn(string message) => Error.WriteLine("awsmfa: warning: " + Output.Printable.Clean(message));

    /// <summary>Detail for <c>--verbose</c>.</summary>
    public void Detail(string message)
    {
        if (IsVerbose)
        {
            Error.WriteLine("awsmfa: [verbose] " + Output.Printable.Clean(message));
        }
    }
}
