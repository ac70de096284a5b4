namespace Awsmfa;

/// <summary>The process exit codes; docs/exit-codes.md is the public copy of this list.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>AWS answered with an error, could not be reached, or answered something that is not credentials.</summary>
    public const int AwsError = 1;

    /// <summary>Bad usage or input, caught before any network call where possible.</summary>
    public const int UsageError = 2;

    /// <summary>AWS rejected the credentials, the MFA code or the permission.</summary>
    public const int AuthenticationRejected = 3;

    /// <summary>Some instances were terminated and others were not.</summary>
    public const int PartialFailure = 4;

    /// <summary>A bug in awsmfa (BSD's EX_SOFTWARE): an error nobody planned for.</summary>
    public const int InternalError = 70;

    /// <summary><c>exec</c>: the command exists but cannot be run (as a shell says it).</summary>
    public const int CommandCannotRun = 126;

    /// <summary><c>exec</c>: no such command (as a shell says it).</summary>
    public const int CommandNotFound = 127;

    /// <summary>Interrupted by SIGINT (Ctrl-C).</summary>
    public const int Interrupted = 130;

    /// <summary>stdout's reader went away (as a shell reports SIGPIPE): nothing more to say, and no one to say it to.</summary>
    public const int OutputClosed = 141;

    /// <summary>Terminated by SIGTERM.</summary>
    public const int Terminated = 143;
}
