using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Sso;

/// <summary>What <c>sso login</c> was asked: a profile or a session, and how to sign in.</summary>
internal sealed record SsoLoginOptions(string? Profile, string? SsoSession, bool UseDeviceCode, bool NoBrowser, Uri? EndpointUrl, TimeSpan? RequestTimeout);

/// <summary>What <c>sso logout</c> was asked.</summary>
internal sealed record SsoLogoutOptions(string? SsoSession, bool All, Uri? EndpointUrl);

/// <summary><c>awsmfa sso login</c>: an IAM Identity Center sign-in, as <c>aws sso login</c> does it.</summary>
internal sealed class SsoLoginDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string?> _profile = new("--profile")
    {
        Description = "Sign in for this profile's sso_session (or its legacy sso_start_url) [default: $AWS_PROFILE, else 'default'].",
        HelpName = "NAME",
    };

    private readonly Option<string?> _session = new("--sso-session")
    {
        Description = "Sign in for this [sso-session NAME] of the config file.",
        HelpName = "NAME",
    };

    private readonly Option<bool> _deviceCode = new("--use-device-code")
    {
        Description = "Sign in with a code shown here and confirmed in a browser anywhere (the only way for a legacy profile) instead of the browser on this computer.",
    };

    private readonly Option<bool> _noBrowser = new("--no-browser")
    {
        Description = "Print the sign-in URL instead of opening it.",
    };

    public SsoLoginDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        _profile.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        Command = new Command(
            "login",
            "Sign in to IAM Identity Center (your organisation's identity provider does the MFA) and keep the token where the AWS CLI keeps it, ~/.aws/sso/cache: by default OAuth with PKCE in the browser on this computer, or --use-device-code. Every sso profile of the session is then served, its token refreshed as it runs out.");
        foreach (var option in new Option[] { _profile, _session, _deviceCode, _noBrowser, _pipeline.EndpointUrl, _pipeline.RequestTimeout })
        {
            Command.Options.Add(option);
        }

        Command.Validators.Add(result =>
        {
            if (result.GetResult(_profile) is { Implicit: false } && result.GetResult(_session) is { Implicit: false })
            {
                result.AddError("--profile and --sso-session do not go together: name the profile, or its session");
            }
        });
    }

    public Command Command { get; }

    public SsoLoginOptions Read(ParseResult parseResult) => new(
        parseResult.GetValue(_profile)?.Trim(),
        parseResult.GetValue(_session)?.Trim(),
        parseResult.GetValue(_deviceCode),
        parseResult.GetValue(_noBrowser),
        parseResult.GetValue(_pipeline.EndpointUrl),
        parseResult.GetValue(_pipeline.RequestTimeout));

    public Command Build(SsoLoginHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}

/// <summary><c>awsmfa sso logout</c>: the portal's Logout, the token file removed, and what awsmfa cached from it.</summary>
internal sealed class SsoLogoutDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string?> _session = new("--sso-session")
    {
        Description = "End this [sso-session NAME]'s sign-in [default: the sso_session of $AWS_PROFILE, else of 'default'].",
        HelpName = "NAME",
    };

    private readonly Option<bool> _all = new("--all")
    {
        Description = "Every [sso-session] of the config file.",
    };

    public SsoLogoutDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        Command = new Command("logout", "End IAM Identity Center sign-ins on this computer: the portal's Logout, the token file removed, and every role credential awsmfa cached from an sso profile.");
        foreach (var option in new Option[] { _session, _all, _pipeline.EndpointUrl })
        {
            Command.Options.Add(option);
        }

        Command.Validators.Add(result =>
        {
            if (result.GetValue(_all) && result.GetResult(_session) is { Implicit: false })
            {
                result.AddError("--sso-session and --all do not go together: name one session, or all of them");
            }
        });
    }

    public Command Command { get; }

    public SsoLogoutOptions Read(ParseResult parseResult) =>
        new(parseResult.GetValue(_session)?.Trim(), parseResult.GetValue(_all), parseResult.GetValue(_pipeline.EndpointUrl));

    public Command Build(SsoLogoutHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}

/// <summary>What <c>sso generate</c> was asked.</summary>
internal sealed record SsoGenerateOptions(string SsoSession, string? Region, bool Write, Uri? EndpointUrl);

/// <summary><c>awsmfa sso generate</c>: a profile for every account and role the session may use.</summary>
internal sealed class SsoGenerateDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;

    private readonly Option<string> _session = new("--sso-session")
    {
        Description = "The [sso-session NAME] whose accounts and roles become profiles.",
        HelpName = "NAME",
        Required = true,
    };

    private readonly Option<bool> _write = new("--write")
    {
        Description = "Add the profiles the config file lacks to it (atomically; no existing section is changed) instead of printing them.",
    };

    public SsoGenerateDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        _pipeline.Region.Description = "Give each profile this region.";
        Command = new Command(
            "generate",
            "Print a [profile …] section for every account and role the IAM Identity Center session may use (ListAccounts, ListAccountRoles, every page), named from the account name and the role, with the account's name in a comment above; --write adds the missing ones to the config file.");
        foreach (var option in new Option[] { _session, _pipeline.Region, _write, _pipeline.EndpointUrl })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    public SsoGenerateOptions Read(ParseResult parseResult) =>
        new(parseResult.GetValue(_session)!.Trim(), parseResult.GetValue(_pipeline.Region)?.Trim(), parseResult.GetValue(_write), parseResult.GetValue(_pipeline.EndpointUrl));

    public Command Build(SsoGenerateHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}

/// <summary><c>awsmfa sso login | logout | generate</c>.</summary>
internal static class SsoCommands
{
    public static Command Create(IProfileStore profiles, SsoLoginHandler login, SsoLogoutHandler logout, SsoGenerateHandler generate)
    {
        var sso = new Command("sso", "Sign in to and out of IAM Identity Center, as aws sso login does (the token serves every sso profile of the session), and make profiles for its accounts and roles.");
        sso.Subcommands.Add(new SsoLoginDefinition(profiles).Build(login));
        sso.Subcommands.Add(new SsoLogoutDefinition(profiles).Build(logout));
        sso.Subcommands.Add(new SsoGenerateDefinition(profiles).Build(generate));
        return sso;
    }
}
