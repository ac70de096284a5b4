using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Login;

/// <summary>What <c>login</c> was asked.</summary>
internal sealed record LoginOptions(string? Profile, string? Region, Uri? EndpointUrl, bool Remote, bool NoBrowser, TimeSpan? RequestTimeout);

/// <summary><c>awsmfa login</c>: what <c>aws login</c> does, for a user without the AWS CLI v2.</summary>
internal sealed class LoginDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string?> _profile = new("--profile")
    {
        Description = "The profile the session is for: it gets login_session (a profile with keys or a role of its own is refused: those would win) [default: $AWS_PROFILE, else 'default'].",
        HelpName = "NAME",
    };

    private readonly Option<bool> _remote = new("--remote")
    {
        Description = "Sign in with a browser on another device (an SSH session, a container): open the URL there and paste the verification code it shows.",
    };

    private readonly Option<bool> _noBrowser = new("--no-browser")
    {
        Description = "Print the sign-in URL instead of opening it.",
    };

    public LoginDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command(
            "login",
            "Sign in through the AWS console, with whatever MFA your IAM user has (a passkey, a security key, an authenticator app), and keep the session for the profile as aws login does: login_session in the profile, a P-256 key and a refresh token in ~/.aws/login/cache. Its 15-minute credentials are refreshed for up to 12 hours. For users whose only MFA is a passkey, which GetSessionToken cannot take.");
        foreach (var option in new Option[] { _profile, _pipeline.Region, _pipeline.EndpointUrl, _pipeline.RequestTimeout, _remote, _noBrowser })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    public LoginOptions Read(ParseResult parseResult) => new(
        parseResult.GetValue(_profile)?.Trim(),
        parseResult.GetValue(_pipeline.Region)?.Trim(),
        parseResult.GetValue(_pipeline.EndpointUrl),
        parseResult.GetValue(_remote),
        parseResult.GetValue(_noBrowser),
        parseResult.GetValue(_pipeline.RequestTimeout));

    public Command Build(LoginHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
