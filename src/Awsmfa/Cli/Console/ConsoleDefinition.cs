using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Console;

/// <summary>What <c>console</c> was asked: whose credentials, where the console opens, and whether to print instead of open.</summary>
internal sealed record ConsoleOptions(PipelineOptions Pipeline, string? Service, string? Path, bool Stdout);

/// <summary>
/// <c>awsmfa console</c>: its options, validators and help, read into <see cref="ConsoleOptions"/>;
/// <see cref="ConsoleHandler"/> opens the AWS console for a profile, signed in with the same MFA session.
/// </summary>
internal sealed class ConsoleDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<string?> _service = new("--service")
    {
        Description = "Open this service's console in the region, e.g. ec2, s3, cloudwatch [default: the console home].",
        HelpName = "NAME",
    };

    private readonly Option<string?> _path = new("--path")
    {
        Description = "Open this console path, e.g. /s3/buckets or /iam/home#/users.",
        HelpName = "PATH",
    };

    private readonly Option<bool> _stdout = new("--stdout")
    {
        Description = "Print the sign-in URL on stdout instead of opening a browser (remote shells). It signs in whoever has it, for 15 minutes.",
    };

    public ConsoleDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        // A console session lasts at most 12h, whoever signs in; the defaults differ by kind.
        _pipeline.Duration.Description = "Console session length: seconds, or 15m, 1h, 12h; 900 to 43200 s [default: for a role profile, its duration_seconds, else 1h; for an IAM user's federation session, 12h].";
        _pipeline.Duration.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is > ConsoleHandler.MaxConsoleSeconds)
            {
                result.AddError("--duration for the console is at most 12h (43200 s), the console's own limit");
            }
        });
        _service.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && !(name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                result.AddError("--service is a console service name such as ec2, s3 or cloudwatch (lowercase letters, digits and -)");
            }
        });
        _path.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && (!value.StartsWith('/') || value.StartsWith("//", StringComparison.Ordinal) || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
            {
                result.AddError("--path is a console path that starts with /, such as /s3/buckets");
            }
        });
        Command = new Command(
            "console",
            "Open the AWS console for a profile: a role profile's role from the cached MFA session (no new code while it lasts), or for a plain IAM user a federation session (which carries no MFA).");
        _pipeline.AddTo(Command);
        foreach (var option in new Option[] { _service, _path, _stdout, Quiet })
        {
            Command.Options.Add(option);
        }

        Command.Validators.Add(result =>
        {
            if (result.GetValue(_service) is not null && result.GetValue(_path) is not null)
            {
                result.AddError("--service and --path do not go together: name a service, or a path");
            }
        });
    }

    public Command Command { get; }

    public Option<bool> Quiet { get; } = CommonOptions.Quiet();

    public ConsoleOptions Read(ParseResult parseResult) =>
        new(_pipeline.Read(parseResult), parseResult.GetValue(_service), parseResult.GetValue(_path), parseResult.GetValue(_stdout));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(ConsoleHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult, Quiet), cancellationToken));
        return Command;
    }
}
