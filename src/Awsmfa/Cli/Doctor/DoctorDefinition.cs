using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Doctor;

internal enum DoctorFormat
{
    Text,
    Json,
}

/// <summary>What <c>awsmfa doctor</c> was asked.</summary>
internal sealed record DoctorOptions(string? Profile, Uri? EndpointUrl, DoctorFormat Format);

/// <summary>
/// <c>awsmfa doctor</c>: its options, completion and help, read into <see cref="DoctorOptions"/>;
/// <see cref="DoctorHandler"/> finds what is wrong before AWS says no.
/// </summary>
internal sealed class DoctorDefinition
{
    private readonly Option<string?> _profile = new("--profile")
    {
        Description = "The profile to check [default: $AWS_PROFILE, else 'default'].",
        HelpName = "NAME",
    };

    private readonly Option<Uri?> _endpoint = new("--endpoint-url")
    {
        Description = "Check this endpoint instead of AWS's (moto, LocalStack) [default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL].",
        HelpName = "URL",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (InputRules.TryParseEndpoint(text.Trim(), out var uri))
            {
                return uri;
            }

            result.AddError("--endpoint-url must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:5000");
            return null;
        },
    };

    private readonly Option<DoctorFormat> _output = CommonOptions.Output("text (one line per check) or json.", ("text", DoctorFormat.Text), ("json", DoctorFormat.Json));

    public DoctorDefinition(IProfileStore profiles)
    {
        _profile.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        Command = new Command(
            "doctor",
            "Check what usually breaks MFA access, without spending a code or printing a secret: the clock against STS's, file modes, AWS variables that override the profile, the profile's chain, the cache, and whether STS and EC2 answer. Exit 1 when a check failed.");
        foreach (var option in new Option[] { _profile, _endpoint, _output })
        {
            Command.Options.Add(option);
        }
    }

    public Command Command { get; }

    public DoctorOptions Read(ParseResult parseResult) =>
        new(parseResult.GetValue(_profile)?.Trim(), parseResult.GetValue(_endpoint), parseResult.GetValue(_output));

    /// <summary>The command, running <paramref name="handler"/> with what was typed.</summary>
    public Command Build(DoctorHandler handler)
    {
        Command.SetAction((parseResult, cancellationToken) =>
            handler.RunAsync(Read(parseResult), new CommandRun(parseResult), cancellationToken));
        return Command;
    }
}
