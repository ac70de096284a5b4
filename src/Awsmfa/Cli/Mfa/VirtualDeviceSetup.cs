using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Mfa;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Mfa;

/// <summary>
/// A virtual MFA device from creation to enabled, with a person at the terminal: created, its QR
/// code shown, two consecutive codes checked against the seed before IAM sees them, enabled. On
/// any failure before it is enabled (wrong codes three times, a refused call, Ctrl-C) the device
/// is deleted again, so nothing is left half-done. Shared by <c>mfa create</c> and <c>init</c>.
/// </summary>
/// <param name="spentCodes">Where the codes that enabled a device are remembered: AWS takes each code once, and the first session's prompt comes right after.</param>
internal sealed class VirtualDeviceSetup(ITerminal terminal, TimeProvider clock, Func<Reporter, SpentCodes>? spentCodes = null, ExitGuard? exitGuard = null)
{
    private const int Tries = 3;

    /// <summary>Refuses before anything is created: no terminal to type codes at, a --qr that is a folder.</summary>
    public void CheckCanRun(string? qrFile)
    {
        if (!terminal.IsAvailable)
        {
            throw AwsmfaException.Usage("creating an MFA device shows a QR code and asks for two codes from the app on a terminal, and there is none");
        }

        if (qrFile is not null && Directory.Exists(qrFile))
        {
            throw AwsmfaException.Usage($"--qr {Printable.OneLine(qrFile)} is a folder; name the PNG file to write");
        }
    }

    /// <returns>The enabled device's serial.</returns>
    public async Task<string> CreateAsync(IIamMfaDevices iam, IamUser user, string name, string? qrFile, bool showSecret, Reporter reporter, CancellationToken cancellationToken)
    {
        var devices = await iam.ListAsync(user.Name, cancellationToken).ConfigureAwait(false);
        if (devices.FirstOrDefault(d => d.SerialNumber.EndsWith("/" + name, StringComparison.Ordinal) && MfaDeviceTypes.Of(d.SerialNumber) == MfaDeviceType.Virtual) is { } same)
        {
            throw AwsmfaException.Usage($"IAM user {user.Name} already has an MFA device named '{name}' ({same.SerialNumber}); name another with --name, or remove it with: awsmfa mfa remove --serial {same.SerialNumber}");
        }

        // From the create on, the exit after Ctrl-C waits (up to ExitGuard.Longest): IAM may make
        // the device even when its answer is cut off, so the call is not cancelled, and a device
        // made for a setup that did not end is deleted again. A person at the code prompt is not
        // waited for: the hold is let go while the prompt waits, and taken again to delete.
        var hold = exitGuard?.Hold();
        NewVirtualMfaDevice device;
        try
        {
            device = await iam.CreateVirtualAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AwsmfaException e) when (IamQuery.ErrorCode(e) == "EntityAlreadyExists")
        {
            hold?.Dispose();
            throw AwsmfaException.Usage(
                $"account {user.Account} already has a virtual MFA device named '{name}' (another user's, or one an earlier attempt left unassigned); name another with --name");
        }
        catch
        {
            hold?.Dispose();
            throw;
        }

        var enabled = false;
        try
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                hold?.Dispose();
                hold = null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            Show(device, user, name, qrFile, showSecret);
            var (first, second) = await EnableAsync(iam, user, device, cancellationToken).ConfigureAwait(false);
            enabled = true;
            if (spentCodes?.Invoke(reporter) is { } spent)
            {
                await spent.RememberAsync(first, device.SerialNumber, CancellationToken.None).ConfigureAwait(false);
                await spent.RememberAsync(second, device.SerialNumber, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!enabled)
            {
                hold ??= exitGuard?.Hold();
                try
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        reporter.Info($"deleting MFA device {device.SerialNumber}, made for this setup (Ctrl-C again leaves it: then delete it with aws iam delete-virtual-mfa-device --serial-number {device.SerialNumber})");
                    }

                    await DeleteAgainAsync(iam, device, qrFile, reporter).ConfigureAwait(false);
                }
                finally
                {
                    hold?.Dispose();
                }
            }
        }

        reporter.Info($"MFA device {device.SerialNumber} is enabled for IAM user {user.Name}");
        if (qrFile is not null)
        {
            reporter.Warn($"{qrFile} holds the device's secret: delete it once the app has scanned it");
        }

        return device.SerialNumber;
    }

    private void Show(NewVirtualMfaDevice device, IamUser user, string name, string? qrFile, bool showSecret)
    {
        // The app shows the label: a device named apart from its user says its name too.
        var label = name == user.Name ? user.Name : $"{user.Name}/{name}";
        var uri = Totp.Uri(device.Base32Seed, label, user.Account);
        if (qrFile is { } file)
        {
            AtomicFile.Write(file, QrCode.Png(uri), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            terminal.WriteLine($"The QR code of MFA device {device.SerialNumber} is in {file}: open it and scan it with an authenticator app.");
        }
        else
        {
            foreach (var line in QrCode.TerminalLines(uri))
            {
                terminal.WriteLine(line);
            }

            terminal.WriteLine($"Scan this QR code with an authenticator app (Google Authenticator, 1Password, Authy): it adds {label}@{user.Account}.");
        }

        if (showSecret)
        {
            terminal.WriteLine($"Secret key, for an app that cannot scan: {device.Base32Seed}");
        }
    }

    /// <summary>Two consecutive codes, checked against the seed before IAM sees them; three tries in all.</summary>
    private async Task<(string First, string Second)> EnableAsync(IIamMfaDevices iam, IamUser user, NewVirtualMfaDevice device, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var first = await AskCodeAsync("First code from the app: ", cancellationToken).ConfigureAwait(false);
            var second = first is null ? null : await AskCodeAsync("Next code (wait until it changes): ", cancellationToken).ConfigureAwait(false);
            string? why;
            if (first is null || second is null)
            {
                why = $"that is not a code: {TokenCode.FormatHint}";
            }
            else if (Totp.FindStep(device.Base32Seed, first, clock.GetUtcNow()) is not { } step || Totp.FindStep(device.Base32Seed, second, clock.GetUtcNow()) != step + 1)
            {
                why = "those are not two consecutive codes of this device: check that the app scanned this QR code, and wait for the code to change before typing the second";
            }
            else
            {
                try
                {
                    await iam.EnableAsync(user.Name, device.SerialNumber, first, second, cancellationToken).ConfigureAwait(false);
                    return (first, second);
                }
                catch (AwsmfaException e) when (e.CodeRejected)
                {
                    why = "IAM did not take those codes (InvalidAuthenticationCode): check the phone's clock, and type two new consecutive codes";
                }
            }

            if (attempt >= Tries)
            {
                throw new AwsmfaException(ExitCodes.AuthenticationRejected, $"no two consecutive codes of the new device in {Tries} tries ({why})");
            }

            terminal.WriteLine($"{char.ToUpperInvariant(why[0])}{why[1..]}.");
        }
    }

    /// <summary>A code as typed (spaces allowed), or null for anything else; end of input is an error.</summary>
    private async Task<string?> AskCodeAsync(string prompt, CancellationToken cancellationToken)
    {
        var line = await terminal.PromptAsync(prompt, cancellationToken).ConfigureAwait(false)
            ?? throw AwsmfaException.Usage("no code was typed (end of input)");
        return TokenCode.TryNormalize(line, out var code) ? code : null;
    }

    /// <summary>Undoes the creation whatever ended the run (Ctrl-C included): its own bounded call, not the run's cancelled token.</summary>
    private static async Task DeleteAgainAsync(IIamMfaDevices iam, NewVirtualMfaDevice device, string? qrFile, Reporter reporter)
    {
        // The device first: a QR file that cannot be removed must not keep it in IAM.
        try
        {
            await iam.DeleteVirtualAsync(device.SerialNumber, CancellationToken.None).ConfigureAwait(false);
            reporter.Info($"the MFA device {device.SerialNumber} was not enabled, so it was deleted again");
        }
        catch (AwsmfaException e)
        {
            reporter.Warn($"the MFA device {device.SerialNumber} was not enabled and could not be deleted ({e.Message}); delete it with: aws iam delete-virtual-mfa-device --serial-number {device.SerialNumber}");
        }

        if (qrFile is not null)
        {
            try
            {
                File.Delete(qrFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reporter.Warn($"could not remove {Printable.OneLine(qrFile)} ({Printable.OneLine(e.Message)}); its device is gone, so the code in it opens nothing");
            }
        }
    }
}
