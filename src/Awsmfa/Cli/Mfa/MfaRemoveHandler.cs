using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Mfa;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Mfa;

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

        // Deactivated, the device signs nothing any more: forgotten at once, whatever the delete does.
        var edited = Forget(serial);
        var cleared = caches(run.Reporter).Remove(entry => entry is not null && entry.MfaSerial == serial);
        if (type == MfaDeviceType.Virtual)
        {
            try
            {
                await signer.DeleteVirtualAsync(serial, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsmfaException e)
            {
                throw new AwsmfaException(e.ExitCode, $"deactivated MFA device {serial} (and removed it from the profiles and the cache), but could not delete it: {e.Message}; delete it with: aws iam delete-virtual-mfa-device --serial-number {serial}", e);
            }
        }

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
