using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Mfa;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Mfa;

/// <summary>Runs <c>mfa list</c>: the user's devices, with the profile's own marked.</summary>
internal sealed class MfaListHandler(Func<Reporter, CredentialPipeline> pipelines, MfaAccounts accounts)
{
    private static readonly string[] Header = ["", "SERIAL", "TYPE", "ENABLED", "MFA SESSIONS"];

    public async Task<int> RunAsync(MfaListOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var pipeline = pipelines(run.Reporter);
        var request = pipeline.Resolve(options.Pipeline, deviceOptional: true);
        var (user, iam) = await accounts.OpenAsync(pipeline, request, cancellationToken).ConfigureAwait(false);
        var devices = await iam.ListAsync(user.Name, cancellationToken).ConfigureAwait(false);
        if (options.Format == MfaListFormat.Json)
        {
            OutputJson.Write(
                run.Output,
                devices.Select(d => new MfaDeviceJson(
                    d.SerialNumber,
                    MfaDeviceTypes.Word(MfaDeviceTypes.Of(d.SerialNumber)),
                    d.EnableDate is { } enabled ? Timestamps.Format(enabled) : null,
                    MfaDeviceTypes.GivesCodes(MfaDeviceTypes.Of(d.SerialNumber)),
                    d.SerialNumber == request.MfaSerial)).ToList(),
                OutputJson.Indented.ListMfaDeviceJson);
            return ExitCodes.Success;
        }

        if (devices.Count == 0)
        {
            run.Reporter.Info($"IAM user {user.Name} has no MFA device; create one with: awsmfa mfa create{ProfileArgument(request)}");
            return ExitCodes.Success;
        }

        var rows = new List<IReadOnlyList<string>> { Header };
        rows.AddRange(devices.Select(d =>
        {
            var type = MfaDeviceTypes.Of(d.SerialNumber);
            return new[]
            {
                d.SerialNumber == request.MfaSerial ? "*" : "",
                Printable.Cell(d.SerialNumber),
                MfaDeviceTypes.Word(type),
                d.EnableDate is { } enabled ? Timestamps.Format(enabled) : "-",
                MfaDeviceTypes.GivesCodes(type) ? "yes" : "no: use aws login",
            };
        }));
        run.Output.Write(TextTable.Render(rows));
        if (request.MfaSerial is { } serial && devices.All(d => d.SerialNumber != serial))
        {
            run.Reporter.Warn($"the profile's mfa_serial {serial} is none of IAM user {user.Name}'s devices: MFA sessions will fail until it names one of them");
        }

        return ExitCodes.Success;
    }

    /// <summary><c> --profile NAME</c> when the user named one, for the commands a message suggests.</summary>
    public static string ProfileArgument(SessionRequest request) =>
        request.Target.Profile is { } profile ? $" --profile {profile}" : "";
}
