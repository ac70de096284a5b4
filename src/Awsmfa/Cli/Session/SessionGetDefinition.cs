using System.CommandLine;
using System.Text;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Session;

/// <summary>What <c>session get</c> was asked; <paramref name="LoadCommand"/> rebuilds the command line that loads the same session.</summary>
internal sealed record SessionGetOptions(PipelineOptions Pipeline, SessionFormat Format, Func<string> LoadCommand);

/// <summary><c>awsmfa session get</c>: its options and help, read into <see cref="SessionGetOptions"/>; <see cref="SessionGetHandler"/> runs them.</summary>
internal sealed class SessionGetDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<SessionFormat> _output = CommonOptions.Output(
        "env (sh/bash/zsh exports), dotenv (NAME=value), fish, powershell, json, or credential-process (for ~/.aws/config).",
        SessionOutput.Formats);

    public SessionGetDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            "get",
            "Print temporary MFA credentials, from the cache while they last, else from STS GetSessionToken (asks for a code).");
        _pipeline.AddTo(Command);
        Command.Options.Add(_output);
        Command.Options.Add(Quiet);
    }

    public Command Command { get; }

    public Option<bool> Quiet { get; } = CommonOptions.Quiet();

    public SessionGetOptions Read(ParseResult parseResult)
    {
        var format = parseResult.GetValue(_output);
        return new SessionGetOptions(_pipeline.Read(parseResult), format, () => LoadHint(parseResult, format, [.. _pipeline.Shaping, _output]));
    }

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(SessionGetHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult, Quiet), cancellationToken));
        return Command;
    }

    /// <summary>
    /// The command that loads this very session into the shell: every option given that changes
    /// which credentials, or in which shape, quoted for that shell (a code is spent, and cache
    /// and timeout options do not change the answer).
    /// </summary>
    private static string LoadHint(ParseResult parseResult, SessionFormat format, IReadOnlyList<Option> shaping)
    {
        Func<string, string> quote = format switch
        {
            SessionFormat.Fish => SessionOutput.FishQuote,
            SessionFormat.PowerShell => SessionOutput.PowerShellQuote,
            _ => SessionOutput.PosixQuote,
        };
        var command = new StringBuilder("awsmfa session get");
        foreach (var option in shaping)
        {
            if (parseResult.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            foreach (var token in given.Tokens)
            {
                command.Append(' ').Append(given.IdentifierToken?.Value ?? option.Name).Append(' ').Append(IsPlain(token.Value) ? token.Value : quote(token.Value));
            }
        }

        return format switch
        {
            SessionFormat.Fish => $"{command} | source",
            SessionFormat.PowerShell => $"{command} | Out-String | Invoke-Expression",
            _ => $"eval \"$({command})\"",
        };
    }

    private static bool IsPlain(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '+');
}
