using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Awsmfa.Aws;
using Awsmfa.Cli.Completion;
using Awsmfa.Cli.Console;
using Awsmfa.Cli.Doctor;
using Awsmfa.Cli.Ec2;
using Awsmfa.Cli.Eks;
using Awsmfa.Cli.Exec;
using Awsmfa.Cli.Init;
using Awsmfa.Cli.Keys;
using Awsmfa.Cli.Login;
using Awsmfa.Cli.Mfa;
using Awsmfa.Cli.Profile;
using Awsmfa.Cli.Session;
using Awsmfa.Cli.Sso;
using Awsmfa.Cli.Whoami;
using Awsmfa.Mfa;
using Awsmfa.Output;
using System.CommandLine.Parsing;

namespace Awsmfa.Cli;

/// <summary>Builds the command tree and runs it, deciding itself what a failure looks like to the user.</summary>
internal sealed class AwsmfaCli
{
    private const string Description =
        "awsmfa: MFA-protected access to the AWS API from a shell. Gets temporary credentials with " +
        "STS GetSessionToken and your MFA code, caches them until they expire, and uses them for " +
        "shells, scripts, SDKs (credential_process) and EC2 work.";

    private readonly AppServices _services;

    public AwsmfaCli(AppServices services)
    {
        _services = services;
    }

    /// <summary>
    /// The command tree. The root is a <see cref="RootCommand"/> only for a directive (the
    /// completion scripts' <c>[suggest:N]</c>), a plain command otherwise; both get awsmfa's own
    /// --help and --version. RootCommand's built-in ones read their descriptions through a
    /// ResourceManager whose first use (reflection over assembly metadata, on Native AOT) cost a
    /// sixth of <c>awsmfa --version</c> and of every cached answer.
    /// </summary>
    /// <param name="only">A top-level command named first on the command line: the only one built,
    /// since nothing of the others can take part in parsing what follows it. The empty string: none
    /// (<c>awsmfa --version</c> alone).</param>
    private static Command Build(IReadOnlyList<(string Name, Func<Command> Create)> commands, bool directives, string? only)
    {
        var root = directives ? new RootCommand(Description) : new Command("awsmfa", Description);
        foreach (var builtIn in root.Options.Where(o => o is HelpOption or VersionOption).ToList())
        {
            root.Options.Remove(builtIn);
        }

        root.Options.Add(HelpExamples.CreateHelpOption());
        root.Options.Add(VersionLine.CreateOption());
        root.Options.Add(CommonOptions.Verbose);
        foreach (var (name, create) in commands)
        {
            if (only is null || only == name)
            {
                root.Subcommands.Add(create());
            }
        }

        return root;
    }

    /// <summary>The top-level commands, by name, in the order help lists them.</summary>
    internal IReadOnlyList<(string Name, Func<Command> Create)> Commands()
    {
        var services = _services;
        // The one place the commands meet the services: each handler gets the few it uses.
        Func<Reporter, Credentials.CredentialPipeline> pipelines = services.CreatePipeline;
        Credentials.SpentCodes SpentCodes(Reporter reporter) => new(services.CreateCache(reporter), services.Clock);
        return
        [
            ("session", () => SessionCommands.Create(
                services.Profiles,
                new SessionGetHandler(pipelines, services.Terminal, services.Clock),
                new SessionCacheHandler(services.CreateCache, services.Clock, services.ReadExpiryMargin))),
            ("ec2", () => Ec2Commands.Create(
                services.Profiles,
                new ListInstancesHandler(pipelines, services.AwsClients),
                new InstanceActionHandler(pipelines, services.AwsClients, services.Terminal, services.StandardInput, services.Clock, services.PollInterval))),
            (ExecDefinition.Name, () => new ExecDefinition(services.Profiles).Build(
                new ExecHandler(pipelines, services.Environment, services.Processes, services.Clock, services.ReadExpiryMargin))),
            ("console", () => new ConsoleDefinition(services.Profiles).Build(
                new ConsoleHandler(pipelines, services.Environment, services.Browser))),
            ("whoami", () => new WhoamiDefinition(services.Profiles).Build(new WhoamiHandler(pipelines, services.AwsClients, services.Environment, services.Clock))),
            ("profile", () => ProfileCommands.Create(new ProfileListHandler(services.Profiles, services.KeyringIndex, pipelines, services.CreateCache, services.Clock))),
            ("eks", () => EksCommands.Create(
                services.Profiles,
                new EksTokenHandler(pipelines, services.Environment, services.Clock, services.CreateCache),
                new UpdateKubeconfigHandler(pipelines, services.Environment, services.EksClusters, services.KubeconfigLockTimeout))),
            ("keys", () => KeysCommands.Create(
                services.Profiles,
                new KeysHandler(services.Keyring, services.KeyringIndex, services.Profiles, services.Environment, services.Terminal, services.StandardInput, services.Clock),
                new KeysRotateHandler(services.Keyring, services.KeyringIndex, services.Profiles, pipelines, services.AwsClients, services.IamKeys, services.Clock))),
            ("mfa", () =>
            {
                var accounts = new MfaAccounts(services.AwsClients, services.IamMfaDevices);
                return MfaCommands.Create(
                    services.Profiles,
                    new MfaListHandler(pipelines, accounts),
                    new MfaCreateHandler(pipelines, accounts, new VirtualDeviceSetup(services.Terminal, services.Clock, SpentCodes, services.ExitGuard), services.Terminal, services.Profiles),
                    new MfaRemoveHandler(pipelines, accounts, services.Terminal, services.Profiles, services.CreateCache));
            }),
            ("init", () => new InitDefinition(services.Profiles).Build(new InitHandler(
                services.Terminal,
                services.Profiles,
                services.KeyringIndex,
                services.Keyring,
                new KeysHandler(services.Keyring, services.KeyringIndex, services.Profiles, services.Environment, services.Terminal, services.StandardInput, services.Clock),
                new MfaAccounts(services.AwsClients, services.IamMfaDevices),
                new VirtualDeviceSetup(services.Terminal, services.Clock, SpentCodes, services.ExitGuard),
                pipelines,
                services.Environment))),
            ("sso", () => SsoCommands.Create(
                services.Profiles,
                new SsoLoginHandler(services.Profiles, services.Environment, services.SsoSignIn, services.CreateCache),
                new SsoLogoutHandler(services.Profiles, services.Environment, services.AwsClients, services.CreateCache),
                new SsoGenerateHandler(services.Profiles, services.Environment, services.AwsClients, services.Clock))),
            ("login", () => new LoginDefinition(services.Profiles).Build(
                new LoginHandler(services.Environment, services.Profiles, services.Terminal, services.Browser, services.CreateCache, services.Clock))),
            ("logout", () => new LogoutDefinition(services.Profiles).Build(new LogoutHandler(services.Environment, services.Profiles, services.CreateCache))),
            ("doctor", () => new DoctorDefinition(services.Profiles).Build(
                new DoctorHandler(() => new Diagnostics.Doctor(
                    services.Environment, services.Profiles, pipelines, services.CreateCache, services.Clock, services.ReadExpiryMargin, new MfaAccounts(services.AwsClients, services.IamMfaDevices))))),
            ("completion", () => new CompletionDefinition().Build(new CompletionHandler())),
        ];
    }

    /// <summary>
    /// <c>awsmfa exec ls -d /tmp</c> would read -d as awsmfa's --duration, and <c>exec ls --help</c>
    /// would show awsmfa's help: a command given without <c>--</c> is refused instead.
    /// </summary>
    private static bool ExecWithoutDoubleDash(ParseResult parseResult, string[] args)
    {
        var command = parseResult.CommandResult;
        if (command.Command.Name != ExecDefinition.Name || command.Parent is not CommandResult { Parent: null })
        {
            return false;
        }

        var dash = Array.IndexOf(args, "--");
        if (dash < 0)
        {
            // No command at all starts the user's shell; options of awsmfa's own are read as usual.
            return command.Tokens.Count > 0 || parseResult.UnmatchedTokens.Count > 0;
        }

        // The command is exactly what follows the first --: nothing of it may stand before.
        return parseResult.UnmatchedTokens.Count > 0 || !command.Tokens.Select(t => t.Value).SequenceEqual(args[(dash + 1)..]);
    }

    /// <summary>
    /// Anything that starts with - before <c>--</c> is meant as an option: one the command does not
    /// have is named as such (the parser would take it as an instance id or a command to run).
    /// </summary>
    private static string? UnknownOption(ParseResult parseResult)
    {
        var consumed = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        Collect(parseResult.RootCommandResult);
        var exec = parseResult.CommandResult.Command.Name == ExecDefinition.Name;
        foreach (var token in parseResult.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type != TokenType.Argument || consumed.Contains(token))
            {
                continue;
            }

            if (token.Value.Length < 2 || token.Value[0] != '-')
            {
                // exec's command without --: what follows is the command's, not awsmfa's.
                if (exec)
                {
                    break;
                }

                continue;
            }

            var typed = token.Value.Split('=', ':')[0];
            var closest = Suggestions.Closest(typed, OptionNames(parseResult.CommandResult));
            var where = HelpExamples.CommandPath(parseResult);
            return $"unknown option '{Printable.OneLine(typed)}' for '{where}'" + (closest is not null ? $" (did you mean {closest}?)" : $"; see '{where} --help'");
        }

        return null;

        void Collect(SymbolResult result)
        {
            switch (result)
            {
                case OptionResult option:
                    consumed.UnionWith(option.Tokens);
                    break;
                case CommandResult command:
                    foreach (var child in command.Children)
                    {
                        Collect(child);
                    }

                    break;
            }
        }
    }

    /// <summary>The options a command accepts: its own, and those of its parents that apply below them.</summary>
    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        foreach (var option in command.Command.Options)
        {
            yield return option.Name;
            foreach (var alias in option.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            {
                yield return alias;
            }
        }

        for (var parent = command.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            foreach (var option in parent.Command.Options.Where(o => o.Recursive))
            {
                yield return option.Name;
            }
        }
    }

    /// <summary>One line for what the parser found, in awsmfa's words, with the closest command, option or value.</summary>
    private static string ParseErrorLine(ParseResult parseResult)
    {
        var where = HelpExamples.CommandPath(parseResult);
        var command = parseResult.CommandResult.Command;
        var unknown = parseResult.UnmatchedTokens.Count > 0 ? parseResult.UnmatchedTokens[0] : null;
        if (UnknownCommand(parseResult) is { } unknownCommand)
        {
            return unknownCommand;
        }

        if (command.Subcommands.Count > 0 && parseResult.Tokens.Count > 0 && unknown is null)
        {
            return $"'{where}' needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}; see '{where} --help'";
        }

        if (OptionErrorLine(parseResult, where) is { } optionError)
        {
            return optionError;
        }

        var missing = command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && parseResult.GetResult(a) is not { Tokens.Count: > 0 });
        if (missing is not null && parseResult.Errors.Any(e => e.SymbolResult is CommandResult or ArgumentResult))
        {
            var example = HelpExamples.For(where).FirstOrDefault();
            return $"'{where}' needs the {missing.HelpName ?? missing.Name} argument" + (example is not null ? $", e.g. {example}" : $"; see '{where} --help'");
        }

        if (unknown is not null)
        {
            return $"unexpected argument '{Printable.OneLine(unknown)}' for '{where}'; see '{where} --help'";
        }

        var messages = parseResult.Errors.Select(e => Printable.OneLine(e.Message).TrimEnd('.')).Distinct().ToList();
        return string.Join("; ", messages);
    }

    /// <summary>
    /// A word where a command has subcommands (<c>awsmfa sesion get --profile prod</c>): the
    /// misspelled command is named, before any option after it that only the real command has.
    /// </summary>
    private static string? UnknownCommand(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        if (parseResult.UnmatchedTokens is not [var unknown, ..] || unknown.StartsWith('-') || command.Subcommands.Count == 0)
        {
            return null;
        }

        var where = HelpExamples.CommandPath(parseResult);
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        var hint = Suggestions.Closest(unknown, names) is { } closest
            ? $"did you mean '{closest}'?"
            : $"commands are: {string.Join(", ", names)}";
        return $"unknown command '{Printable.OneLine(unknown)}' for '{where}'; {hint}";
    }

    /// <summary>An option given without its value, or a one-value option given twice, in awsmfa's words; null for other errors.</summary>
    private static string? OptionErrorLine(ParseResult parseResult, string where)
    {
        foreach (var error in parseResult.Errors)
        {
            if (error.SymbolResult is not (OptionResult or ArgumentResult { Parent: OptionResult }))
            {
                continue;
            }

            var result = error.SymbolResult as OptionResult ?? (OptionResult)((ArgumentResult)error.SymbolResult).Parent!;
            var option = result.Option;
            var name = result.IdentifierToken?.Value ?? option.Name;
            if (result.Tokens.Count == 0 && option.Arity.MinimumNumberOfValues > 0)
            {
                return $"{name} needs a value, as in {name} {option.HelpName ?? "VALUE"}; see '{where} --help'";
            }

            if (result.Tokens.Count > 1 && option.Arity.MaximumNumberOfValues == 1)
            {
                // The values are not repeated: one may be an MFA code.
                return $"{name} takes one value and was given {result.Tokens.Count}; give it once";
            }
        }

        return null;
    }

    /// <summary>
    /// No response files: System.CommandLine would read <c>@name</c> as the lines of the file
    /// <c>name</c> in the current folder, so a file planted in a repository could turn
    /// <c>--profile @work</c> into <c>--endpoint-url</c> of someone else's choosing. An argument that
    /// starts with @ is literal.
    /// </summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        // `awsmfa help [COMMAND…]` is `awsmfa [COMMAND…] --help`, as git and kubectl read it.
        if (args is ["help", .. var rest])
        {
            args = [.. rest, "--help"];
        }

        // Plain awsmfa: what it can do, rather than an error.
        var first = args.Length > 0 ? args[0] : null;
        var commands = Commands();
        // A command named first is the only one built; `awsmfa --version` alone parses no command at
        // all (help, typo hints and errors list the others, so anything else builds them all).
        var only = args is [VersionLine.OptionName] ? string.Empty
            : first is not null && commands.Any(c => c.Name == first) ? first : null;
        var parseResult = Build(commands, directives: first?.StartsWith('[') == true, only).Parse(args.Length == 0 ? ["--help"] : args, Parsing);
        // A completion directive ([suggest:N]) parses what is being typed: a half word is no error.
        var completing = first?.StartsWith('[') == true;
        if (((completing ? null : UnknownCommand(parseResult)) ?? UnknownOption(parseResult)) is { } unknownOption)
        {
            await error.WriteLineAsync("awsmfa: " + unknownOption).ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        if (ExecWithoutDoubleDash(parseResult, args))
        {
            await error.WriteLineAsync("awsmfa: " + ExecDefinition.PutCommandAfterDoubleDash).ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        if (parseResult.Action is ParseErrorAction)
        {
            await error.WriteLineAsync("awsmfa: " + ParseErrorLine(parseResult)).ConfigureAwait(false);
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
            // Messages quote names from the config files and answers from AWS: one clean line.
            await error.WriteLineAsync("awsmfa: " + Printable.OneLine(e.Message)).ConfigureAwait(false);
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
