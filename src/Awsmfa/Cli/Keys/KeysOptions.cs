using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Keys;

/// <summary>--profile and --yes as the keys commands have them: a required, valid profile name, and no question asked.</summary>
internal static class KeysOptions
{
    public static Option<string> Profile(IProfileStore profiles, string description)
    {
        var option = new Option<string>("--profile") { Description = description, HelpName = "NAME", Required = true };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !InputRules.IsProfileName(value.Trim()))
            {
                result.AddError($"--profile is not valid: {InputRules.ProfileHint}");
            }
        });
        option.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        return option;
    }

    public static Option<bool> Yes(string description) => new("--yes", "-y") { Description = description };
}
