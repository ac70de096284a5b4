namespace Awsmfa.Cli.Completion;

/// <summary>
/// Runs <c>completion SHELL</c>: prints a script that asks awsmfa itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, so commands, options, formats, EC2
/// states and profile names complete from the same definitions the parser uses.
/// </summary>
internal sealed class CompletionHandler
{
    public static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        // Candidates are data, never code: bash's compgen -W would expand $(...), backticks, globs
        // and braces in them, so they are matched by prefix in a plain loop instead.
        ["bash"] = """
            # awsmfa completion for bash: eval "$(awsmfa completion bash)" in ~/.bashrc
            _awsmfa_complete() {
                local word="${COMP_WORDS[COMP_CWORD]}" candidate
                COMPREPLY=()
                while IFS= read -r candidate; do
                    [[ "$candidate" == "$word"* ]] && COMPREPLY+=("$candidate")
                done < <(awsmfa "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
            }
            complete -o default -F _awsmfa_complete awsmfa
            """,
        ["zsh"] = """
            # awsmfa completion for zsh: eval "$(awsmfa completion zsh)" in ~/.zshrc (after compinit)
            _awsmfa() {
                local -a candidates
                candidates=(${(f)"$(awsmfa "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)"})
                compadd -- $candidates
            }
            compdef _awsmfa awsmfa
            """,
        ["fish"] = """
            # awsmfa completion for fish: awsmfa completion fish > ~/.config/fish/completions/awsmfa.fish
            function __awsmfa_complete
                set -l line (commandline -cp)
                awsmfa "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
            end
            complete -c awsmfa -f -a '(__awsmfa_complete)'
            """,
        ["powershell"] = """
            # awsmfa completion for PowerShell: awsmfa completion powershell | Out-String | Invoke-Expression (in $PROFILE)
            Register-ArgumentCompleter -Native -CommandName awsmfa -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                $line = $commandAst.ToString()
                $position = $cursorPosition - $commandAst.Extent.StartOffset
                awsmfa "[suggest:$position]" "$line" 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }
            """,
    };

#pragma warning disable CA1822 // An instance, as every handler is: completion is built as every other command is.
    public int Run(CompletionOptions options, CommandRun run)
#pragma warning restore CA1822
    {
        var output = run.Output;
        output.Write(Scripts[options.Shell].ReplaceLineEndings("\n"));
        output.Write('\n');
        return ExitCodes.Success;
    }
}
