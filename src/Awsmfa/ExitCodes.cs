namespace Awsmfa;

/// <summary>The process exit codes; docs/exit-codes.md is the public copy of this list.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>AWS answered with an error, or could not be reached.</summary>
    public const int AwsError = 1;

    /// <summary>Bad usage or input, caught before any network call where possible.</summary>
    public const int UsageError = 2;

    /// <summary>AWS rejected the credentials, the MFA code or the permission.</summary>
    public const int AuthenticationRejected = 3;

    /// <summary>Some instances were terminated and others were not.</summary>
    public const int PartialFailure = 4;

    /// <summary>Interrupted by SIGINT (Ctrl-C).</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated by SIGTERM.</summary>
    public const int Terminated = 143;
}
