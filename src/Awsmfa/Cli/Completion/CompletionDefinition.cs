using System.CommandLine;
using Awsmfa.Output;

namespace Awsmfa.Cli.Completion;

/// <summary>What <c>completion</c> was asked: the shell whose script to print.</summary>
internal sealed record CompletionOptions(string Shell);

/// <summary><c>awsmfa completion SHELL</c>: its argument, validator, completion and help, read into <see cref="CompletionOptions"/>; <see cref="CompletionHandler"/> prints the script.</summary>
internal sealed class CompletionDefinition
{
    private readonly Argument<string> _shell = new("SHELL") { Description = "bash, zsh, fish or powershell." };

    public CompletionDefinition()
    {
        _shell.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token] && !CompletionHandler.Scripts.ContainsKey(token.Value))
            {
                result.AddError(Suggestions.NotOneOf("shell", token.Value, CompletionHandler.Scripts.Keys));
            }
        });
        _shell.CompletionSources.Add([.. CompletionHandler.Scripts.Keys]);
        Command = new Command("completion", "Print the tab-completion script for a shell (commands, options, output formats, EC2 states, profile names).");
        Command.Arguments.Add(_shell);
    }

    public Command Command { get; }

    public CompletionOptions Read(ParseResult parseResult) => new(parseResult.GetValue(_shell)!);

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(CompletionHandler handler)
    {
        Command.SetAction(parseResult => handler.Run(Read(parseResult), new CommandRun(parseResult)));
        return Command;
    }
}
