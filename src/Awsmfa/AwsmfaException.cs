namespace Awsmfa;

/// <summary>
/// A failure the user can act on. The entry point prints <see cref="Exception.Message"/> as one
/// line on stderr and exits with <see cref="ExitCode"/>; any other exception is a bug.
/// </summary>
internal sealed class AwsmfaException : Exception
{
    public AwsmfaException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    /// <summary>AWS refused the MFA code itself (wrong, expired or used): the code is worth remembering, and a person may type another.</summary>
    public bool CodeRejected { get; init; }

    public static AwsmfaException Usage(string message) => new(ExitCodes.UsageError, message);
}
