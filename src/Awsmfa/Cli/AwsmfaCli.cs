using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Awsmfa.Aws;
using Awsmfa.Cli.Ec2;
using Awsmfa.Cli.Session;
using Awsmfa.Output;
using System.CommandLine.Parsing;

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
        VersionLine.Attach(_root);
    }

    /// <summary>
    /// <c>awsmfa exec ls -d /tmp</c> would read -d as awsmfa's --duration, and <c>exec ls --help</c>
    /// would show awsmfa's help: a command given without <c>--</c> is refused instead.
    /// </summary>
    private static bool ExecWithoutDoubleDash(ParseResult parseResult, string[] args)
    {
        var command = parseResult.CommandResult;
        if (command.Command.Name != ExecCommand.Name || command.Parent is not CommandResult { Command: RootCommand })
        {
            return false;
        }

        var dash = Array.IndexOf(args, "--");
        if (dash < 0)
        {
            var helpOnly = parseResult.Action is not ParseErrorAction && command.Tokens.Count == 0 && parseResult.UnmatchedTokens.Count == 0;
            return !helpOnly;
        }

        // The command is exactly what follows the first --: nothing of it may stand before.
        return parseResult.UnmatchedTokens.Count > 0 || !command.Tokens.Select(t => t.Value).SequenceEqual(args[(dash + 1)..]);
    }

    /// <summary>One line for what the parser found; for a mistyped command, the closest one.</summary>
    private static string ParseErrorLine(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var unknown = parseResult.UnmatchedTokens.Count > 0 ? parseResult.UnmatchedTokens[0] : null;
        if (unknown is not null && !unknown.StartsWith('-') && command.Subcommands.Count > 0)
        {
            var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            var closest = names.OrderBy(name => EditDistance(unknown, name)).ThenBy(name => name, StringComparer.Ordinal).First();
            var hint = EditDistance(unknown, closest) <= Math.Max(2, closest.Length / 3)
                ? $"did you mean '{closest}'?"
                : $"commands are: {string.Join(", ", names)}";
            return $"unknown command '{Printable.OneLine(unknown)}' for '{HelpExamples.CommandPath(parseResult)}'; {hint}";
        }

        var messages = parseResult.Errors.Select(e => Printable.OneLine(e.Message)).Distinct().ToList();
        return messages.Count == 1 ? messages[0] : string.Join("; ", messages.Select(m => m.TrimEnd('.'))) + ".";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    public async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parseResult = _root.Parse(args);
        if (ExecWithoutDoubleDash(parseResult, args))
        {
            await error.WriteLineAsync("awsmfa: " + ExecCommand.PutCommandAfterDoubleDash).ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        if (parseResult.Action is ParseErrorAction)
        {
            await error.WriteLineAsync("awsmfa: " + ParseErrorLine(parseResult)).ConfigureAwait(false);
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
                await error.WriteLineAsync($"awsmfa: [verbose] caused by {cause.GetType().Name} ({Printable.OneLine(AwsErrors.ErrorCode(cause))}): {Printable.OneLine(cause.Message)}").ConfigureAwait(false);
            }

            return e.ExitCode;
        }
        catch (Exception e) when (Output.StandardOutput.Failed(e) is { } code)
        {
            if (code != ExitCodes.OutputClosed)
            {
                await error.WriteLineAsync($"awsmfa: could not write the output: {Printable.OneLine(e.Message)}").ConfigureAwait(false);
            }

            return code;
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
            await error.WriteLineAsync($"awsmfa: this is a bug in awsmfa ({e.GetType().Name}: {Printable.OneLine(e.Message)}); please report it, with the output of --verbose").ConfigureAwait(false);
            if (parseResult.GetValue(CommonOptions.Verbose))
            {
                await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.InternalError;
        }
    }
}
