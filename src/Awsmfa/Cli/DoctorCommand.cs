using System.CommandLine;
using Awsmfa.Credentials;
using Awsmfa.Diagnostics;
using Awsmfa.Output;

namespace Awsmfa.Cli;

internal enum DoctorFormat
{
    Text,
    Json,
}

/// <summary><c>awsmfa doctor</c>: what is wrong before AWS says no.</summary>
internal static class DoctorCommand
{
    public static Command Create(IProfileStore profiles, DoctorHandler handler)
    {
        var profile = new Option<string?>("--profile")
        {
            Description = "The profile to check [default: $AWS_PROFILE, else 'default'].",
            HelpName = "NAME",
        };
        profile.CompletionSources.Add(_ => PipelineOptionDefinitions.ProfileNames(profiles));
        var endpoint = new Option<Uri?>("--endpoint-url")
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
        var output = CommonOptions.Output("text (one line per check) or json.", ("text", DoctorFormat.Text), ("json", DoctorFormat.Json));
        var command = new Command(
            "doctor",
            "Check what usually breaks MFA access, without spending a code or printing a secret: the clock against STS's, file modes, AWS variables that override the profile, the profile's chain, the cache, and whether STS and EC2 answer. Exit 1 when a check failed.");
        foreach (var option in new Option[] { profile, endpoint, output })
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => handler.RunAsync(
            new DoctorOptions(parseResult.GetValue(profile)?.Trim(), parseResult.GetValue(endpoint), parseResult.GetValue(output)),
            new CommandRun(parseResult),
            cancellationToken));
        return command;
    }
}

/// <summary>What <c>awsmfa doctor</c> was asked.</summary>
internal sealed record DoctorOptions(string? Profile, Uri? EndpointUrl, DoctorFormat Format);

/// <summary>Runs the checks and writes one line per check (or JSON) and the summary; exit 1 when a check failed.</summary>
internal sealed class DoctorHandler(Func<Doctor> doctors)
{
    public async Task<int> RunAsync(DoctorOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var results = await doctors().RunAsync(options.Profile, options.EndpointUrl, cancellationToken).ConfigureAwait(false);
        var ok = results.Count(r => r.Status == CheckStatus.Ok);
        var warnings = results.Count(r => r.Status == CheckStatus.Warn);
        var failures = results.Count(r => r.Status == CheckStatus.Fail);
        if (options.Format == DoctorFormat.Json)
        {
            OutputJson.Write(
                run.Output,
                new DoctorJson([.. results.Select(r => new DoctorCheckJson(r.Check, r.Status.ToString().ToLowerInvariant(), r.Message))], ok, warnings, failures),
                OutputJson.Indented.DoctorJson);
        }
        else
        {
            foreach (var result in results)
            {
                var status = result.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warn => "warn", _ => "fail" };
                await run.Output.WriteLineAsync($"{status}  {result.Check}: {Printable.OneLine(result.Message)}").ConfigureAwait(false);
            }

            // The summary comes last, as it is read: stdout is buffered, stderr is not.
            await run.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            run.Reporter.Info($"doctor: {ok} ok, {warnings} {(warnings == 1 ? "warning" : "warnings")}, {failures} {(failures == 1 ? "failure" : "failures")}");
        }

        return failures > 0 ? ExitCodes.AwsError : ExitCodes.Success;
    }
}
