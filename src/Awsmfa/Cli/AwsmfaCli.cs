using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Awsmfa.Aws;
using Awsmfa.Cli.Ec2;
using Awsmfa.Cli.Session;

namespace Awsmfa.Cli;

/// <summary>Builds the command tree and runs it, deciding itself what a failure looks like to the user.</summary>
internal sealed class AwsmfaCli
{
    private readonly RootCommand _root;

    public AwsmfaCli(AppServices services)
    {
        _root = new RootCommand(
            "awsmfa: MFA-protected access to the AWS API from a shell. Gets temporary credentials with " +
            "STS GetSessionToken and your MFA code, caches them until they expire, and uses them for " +
            "shells, scripts, SDKs (credential_process) and EC2 work.");
        _root.Options.Add(CommonOptions.Verbose);
        _root.Subcommands.Add(SessionCommands.Create(services));
        _root.Subcommands.Add(Ec2Commands.Create(services));
        _root.Subcommands.Add(ExecCommand.Create(services));
        _root.Subcommands.Add(CompletionCommand.Create());
        HelpExamples.Attach(_root);
    }

    public async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parseResult = _root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync("awsmfa: " + parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"Run '{HelpExamples.CommandPath(parseResult)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // Signals are handled by the entry point, which knows SIGINT from SIGTERM.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsmfaException e)
        {
            await error.WriteLineAsync("awsmfa: " + e.Message).ConfigureAwait(false);
            if (e.InnerException is { } cause && parseResult.GetValue(CommonOptions.Verbose))
            {
                await error.WriteLineAsync($"awsmfa: [verbose] caused by {cause.GetType().Name} ({AwsErrors.ErrorCode(cause)}): {AwsErrors.OneLine(cause.Message)}").ConfigureAwait(false);
            }

            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("awsmfa: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
#pragma warning disable CA1031 // The last line of defence: a bug is reported in one line, not as a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"awsmfa: unexpected error ({e.GetType().Name}): {AwsErrors.OneLine(e.Message)}").ConfigureAwait(false);
            if (parseResult.GetValue(CommonOptions.Verbose))
            {
                await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.AwsError;
        }
    }
}
