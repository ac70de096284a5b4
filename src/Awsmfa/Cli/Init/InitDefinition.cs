using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Init;

/// <summary>What <c>init</c> was asked: the profile (asked when not given) and where AWS is reached.</summary>
internal sealed record InitOptions(string? Profile, Uri? EndpointUrl, TimeSpan? RequestTimeout);

/// <summary><c>awsmfa init</c>: the first run, from keys to a working MFA session, on a terminal.</summary>
internal sealed class InitDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string?> _profile = new("--profile")
    {
        Description = "The profile to set up [default: asked, offering $AWS_PROFILE, else 'default'].",
        HelpName = "NAME",
    };

    public InitDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            "init",
            "Set up a profile on a terminal, from an IAM user's access keys to a working MFA session: the profile's name, its keys (checked with AWS, stored in the OS keyring; in plaintext only if you refuse it), its region, its MFA device (one you have, or a new virtual device: QR code and two codes), then the first session. Nothing is written until every answer is in; Ctrl-C leaves nothing behind. Run again on a profile to see it and change only what you ask.");
        foreach (var option in new Option[] { _profile, _pipeline.EndpointUrl, _pipeline.RequestTimeout })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    public InitOptions Read(ParseResult parseResult) =>
        new(parseResult.GetValue(_profile)?.Trim(), parseResult.GetValue(_pipeline.EndpointUrl), parseResult.GetValue(_pipeline.RequestTimeout));

    public Command Build(InitHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
