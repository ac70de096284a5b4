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
            run.Reporter.Info($"profile '{profile}' was left as it was; add mfa_serial = {serial} to it, or run: awsmfa mfa create --set next time");
        }
    }
}

/// <summary>
/// Runs <c>mfa remove</c>: the device must be the user's; the deactivation is signed with an MFA
/// session of that very device (the self-service policy asks for MFA), then a virtual device is
/// deleted, and awsmfa forgets it: mfa_serial lines that name it, sessions minted with it.
/// </summary>
internal sealed class MfaRemoveHandler(Func<Reporter, CredentialPipeline> pipelines, MfaAccounts accounts, ITerminal terminal, IProfileStore profiles, Func<Reporter, SessionCache> caches)
{
    public async Task<int> RunAsync(MfaRemoveOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var pipeline = pipelines(run.Reporter);
        var request = pipeline.Resolve(options.Pipeline, deviceOptional: true);
        var (user, iam) = await accounts.OpenAsync(pipeline, request, cancellationToken).ConfigureAwait(false);
        var serial = options.Serial;
        var devices = await iam.ListAsync(user.Name, cancellationToken).ConfigureAwait(false);
        if (devices.All(d => d.SerialNumber != serial))
        {
            throw AwsmfaException.Usage($"IAM user {user.Name} has no MFA device {serial}; see its devices with: awsmfa mfa list{MfaListHandler.ProfileArgument(request)}");
        }

        var type = MfaDeviceTypes.Of(serial);
        var what = type == MfaDeviceType.Virtual ? "Deactivate and delete" : "Deactivate";
        if (!options.Yes)
        {
            if (!terminal.IsAvailable)
            {
                throw AwsmfaException.Usage("refusing to remove an MFA device without confirmation: there is no terminal to ask; pass --yes to confirm");
            }

            var answer = await terminal.PromptAsync($"{what} MFA device {serial} of IAM user {user.Name}? [y/N] ", cancellationToken).ConfigureAwait(false);
            if (answer?.Trim().ToUpperInvariant() is not ("Y" or "YES"))
            {
                throw new AwsmfaException(ExitCodes.AwsError, "not confirmed; nothing was removed");
            }
        }

        var signer = iam;
        if (MfaDeviceTypes.GivesCodes(type))
        {
            // An MFA session of this very device: cached if there is one, else one code.
            var session = request with { MfaSerial = serial, DurationSeconds = null, Roles = [], FirstRoleFromRoot = false };
            var served = await pipeline.GetAsync(
                session,
                (root, services) => new SessionTokenStep(root, session, services.Clients, services.Profiles, services.Codes, services.Clock, services.Reporter),
                cancellationToken).ConfigureAwait(false);
            signer = accounts.WithSession(served.Credentials, user, request.Target);
        }

        await signer.DeactivateAsync(user.Name, serial, cancellationToken).ConfigureAwait(false);
        if (type == MfaDeviceType.Virtual)
        {
            await signer.DeleteVirtualAsync(serial, cancellationToken).ConfigureAwait(false);
        }

        var edited = Forget(serial);
        var cleared = caches(run.Reporter).Remove(entry => entry is not null && entry.MfaSerial == serial);
        run.Reporter.Info($"{(type == MfaDeviceType.Virtual ? "deactivated and deleted" : "deactivated")} MFA device {serial} of IAM user {user.Name}"
            + (edited.Count > 0 ? $"; removed mfa_serial from profile{(edited.Count > 1 ? "s" : "")} {string.Join(", ", edited.Select(p => $"'{p}'"))}" : "")
            + (cleared > 0 ? $"; cleared {cleared} cached session{(cleared > 1 ? "s" : "")} minted with it" : ""));
        return ExitCodes.Success;
    }

    /// <summary>The profiles whose mfa_serial names the device, with that line removed (config and credentials file alike).</summary>
    private List<string> Forget(string serial)
    {
        var edited = new List<string>();
        foreach (var name in profiles.ListNames())
        {
            AwsProfile? profile;
            try
            {
                profile = profiles.Find(name);
            }
            catch (AwsmfaException)
            {
                continue;
            }

            if (profile?.MfaSerial != serial)
            {
                continue;
            }

            var files = profiles.Files;
            var changed = ProfileSettingEdit.Set(files[1], ProfileSettingEdit.SectionOf(name), "mfa_serial", null);
            changed |= ProfileSettingEdit.Set(files[0], name, "mfa_serial", null);
            if (changed)
            {
                edited.Add(name);
            }
        }

        return edited;
    }
}
