using Awsmfa.Diagnostics;
using Awsmfa.Output;

namespace Awsmfa.Cli.Doctor;

/// <summary>Runs the checks and writes one line per check (or JSON) and the summary; exit 1 when a check failed.</summary>
internal sealed class DoctorHandler(Func<Diagnostics.Doctor> doctors)
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
