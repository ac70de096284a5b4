using Awsmfa.Platform;

namespace Awsmfa.Output;

/// <summary>What a failed write to stdout means for the exit code.</summary>
internal static class StandardOutput
{
    /// <summary>141 when the reader went away (<c>| head</c>), 1 for any other failure to write stdout, null when <paramref name="e"/> is not about stdout.</summary>
    public static int? Failed(Exception e) => e switch
    {
        OutputClosedException { Fd: 1, BrokenPipe: true } => ExitCodes.OutputClosed,
        OutputClosedException { Fd: 1 } => ExitCodes.AwsError,
        _ when e.InnerException is { } inner => Failed(inner),
        _ => null,
    };
}
