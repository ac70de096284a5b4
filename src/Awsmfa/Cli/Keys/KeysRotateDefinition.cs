using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Keys;

/// <summary>What <c>keys rotate</c> was asked: the profile, and the few pipeline options its MFA session takes.</summary>
internal sealed record KeysRotateOptions(string Profile, string? TokenCode, string? SerialNumber, Uri? EndpointUrl, TimeSpan? RequestTimeout);

/// <summary><c>awsmfa keys rotate</c>: its options and help, read into <see cref="KeysRotateOptions"/>; <see cref="KeysRotateHandler"/> runs them.</summary>
internal sealed class KeysRotateDefinition
{
    private readonly PipelineOptionDefinitions _pipeline;
    private readonly Option<string> _profile;

    public KeysRotateDefinition(IProfileStore profiles)
    {
        _pipeline = new PipelineOptionDefinitions(profiles);
        _profile = KeysOptions.Profile(profiles, "The profile whose keyring keys to rotate.");
        Command = new Command(
            "rotate",
            "Replace a profile's keys with new ones: with the profile's MFA session, IAM CreateAccessKey for the key's own user, store the new key, confirm it works, then DeleteAccessKey the old one. Nothing is lost on a failure.");
        Command.Options.Add(_profile);
        Command.Options.Add(_pipeline.TokenCode);
        Command.Options.Add(_pipeline.SerialNumber);
        Command.Options.Add(_pipeline.EndpointUrl);
        Command.Options.Add(_pipeline.RequestTimeout);
    }

    public Command Command { get; }

    public KeysRotateOptions Read(ParseResult parseResult) => new(
        parseResult.GetValue(_profile)!.Trim(),
        parseResult.GetValue(_pipeline.TokenCode),
        parseResult.GetValue(_pipeline.SerialNumber)?.Trim(),
        parseResult.GetValue(_pipeline.EndpointUrl),
        parseResult.GetValue(_pipeline.RequestTimeout));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(KeysRotateHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) => handler.RotateAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
