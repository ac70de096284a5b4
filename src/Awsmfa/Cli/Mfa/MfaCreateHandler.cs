using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Mfa;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Mfa;

/// <summary>
/// Runs <c>mfa create</c>: the device created, shown and enabled (<see cref="VirtualDeviceSetup"/>)
/// and, if asked, named in the profile.
/// </summary>
internal sealed class MfaCreateHandler(Func<Reporter, CredentialPipeline> pipelines, MfaAccounts accounts, VirtualDeviceSetup setup, ITerminal terminal, IProfileStore profiles)
{
    public async Task<int> RunAsync(MfaCreateOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        setup.CheckCanRun(options.QrFile);
        var pipeline = pipelines(run.Reporter);
        var request = pipeline.Resolve(options.Pipeline, deviceOptional: true);
        var (user, iam) = await accounts.OpenAsync(pipeline, request, cancellationToken).ConfigureAwait(false);
        var serial = await setup.CreateAsync(iam, user, options.Name ?? user.Name, options.QrFile, options.ShowSecret, run.Reporter, cancellationToken).ConfigureAwait(false);
        run.Output.WriteLine(serial);
        await SetSerialAsync(request, serial, options.Set, run, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>mfa_serial in the profile's section of the config file: with --set, or when the person says yes.</summary>
    private async Task SetSerialAsync(SessionRequest request, string serial, bool? set, CommandRun run, CancellationToken cancellationToken)
    {
        if (request.Target.Profile is not { } profile)
        {
            run.Reporter.Info($"use it with: export AWSMFA_SERIAL_NUMBER={serial}");
            return;
        }

        var config = profiles.Files[1];
        if (set is null)
        {
            var answer = await terminal.PromptAsync($"Write mfa_serial = {serial} into profile '{profile}' in {config}? [Y/n] ", cancellationToken).ConfigureAwait(false);
            set = answer?.Trim().ToUpperInvariant() is "" or "Y" or "YES";
        }

        if (set == true)
        {
            ProfileSettingEdit.Set(config, ProfileSettingEdit.SectionOf(profile), "mfa_serial", serial);
            run.Reporter.Info($"profile '{profile}' names it now (mfa_serial in {config}): awsmfa session get --profile {profile} asks for a code from it");
        }
        else
        {
            run.Reporter.Info($"profile '{profile}' was left as it was; name the device in it with awsmfa init --profile {profile}, or add mfa_serial = {serial}");
        }
    }
}
