using Awsmfa.Aws;
using Awsmfa.Cli.Keys;
using Awsmfa.Cli.Mfa;
using Awsmfa.Credentials;
using Awsmfa.Keyring;
using Awsmfa.Mfa;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Init;

/// <summary>
/// Runs <c>init</c>: asks, checks each answer as it is given (keys with AWS, the region against
/// the SDK's table, the device with IAM), and writes nothing until every answer is in: the keys
/// (keyring, or the credentials file if the person refuses it), then the config file's region and
/// mfa_serial. A device it creates is deleted again if the run ends before it is enabled. Then
/// the first MFA session, through the pipeline like any <c>session get</c>.
/// </summary>
internal sealed class InitHandler(
    ITerminal terminal,
    IProfileStore profiles,
    KeyringIndex index,
    Func<IKeyring> keyrings,
    KeysHandler keys,
    MfaAccounts accounts,
    VirtualDeviceSetup setup,
    Func<Reporter, CredentialPipeline> pipelines,
    IEnvironment environment)
{
    private const int Tries = 3;

    public async Task<int> RunAsync(InitOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        if (!terminal.IsAvailable)
        {
            throw AwsmfaException.Usage("init asks its questions on a terminal, and there is none; in a script: awsmfa keys add --stdin, then awsmfa session get --token-code CODE (a new MFA device needs a terminal: awsmfa mfa create)");
        }

        var offered = environment.Get("AWS_PROFILE")?.Trim() is { Length: > 0 } named && InputRules.IsProfileName(named) ? named : KindContext.DefaultProfile;
        var profile = options.Profile ?? await AskAsync($"Profile name [{offered}]: ", offered, name => InputRules.IsProfileName(name) ? null : InputRules.ProfileHint, cancellationToken).ConfigureAwait(false);
        if (!InputRules.IsProfileName(profile))
        {
            throw AwsmfaException.Usage($"--profile is not a valid profile name: {InputRules.ProfileHint}");
        }

        var existing = profiles.Find(profile);
        var stored = index.Find(profile);
        Describe(profile, existing, stored);
        // The keys are checked in the profile's or the environment's region (China and GovCloud keys
        // answer only in their partition), else us-east-1.
        var knownRegion = existing?.Region ?? environment.Get("AWS_REGION")?.Trim() ?? environment.Get("AWS_DEFAULT_REGION")?.Trim();
        var target = new AwsTarget(knownRegion is not null && InputRules.IsRegion(knownRegion) ? knownRegion : "us-east-1", options.EndpointUrl, existing is null ? null : profile, options.RequestTimeout ?? AwsTarget.DefaultRequestTimeout);

        // The keys: kept, or typed and checked with AWS before anything else is asked.
        var (newKeys, user, iam) = await KeysAsync(profile, existing, stored, target, cancellationToken).ConfigureAwait(false);
        terminal.WriteLine($"These keys are IAM user {user.Name}'s, in account {user.Account}.");
        var keyring = newKeys is null ? null : await KeyringAsync(profile, cancellationToken).ConfigureAwait(false);

        var fromEnvironment = environment.Get("AWS_REGION")?.Trim();
        var regionDefault = existing?.Region ?? (fromEnvironment is not null && InputRules.IsRegion(fromEnvironment) ? fromEnvironment : "us-east-1");
        var region = await AskAsync($"Region [{regionDefault}]: ", regionDefault, RegionProblem, cancellationToken).ConfigureAwait(false);

        // The device last: once one is created and enabled, nothing is left to ask before the writes.
        var serial = await DeviceAsync(profile, existing?.MfaSerial, user, iam, run.Reporter, cancellationToken).ConfigureAwait(false);

        // Every answer is in: the writes.
        if (newKeys is not null)
        {
            await WriteKeysAsync(profile, newKeys, keyring, stored, run.Reporter, cancellationToken).ConfigureAwait(false);
        }

        var config = profiles.Files[1];
        var section = ProfileSettingEdit.SectionOf(profile);
        ProfileSettingEdit.Set(config, section, AwsProfile.RegionKey, region);
        ProfileSettingEdit.Set(config, section, "mfa_serial", serial);
        run.Reporter.Info($"profile '{profile}' is set up in {config}: region {region}, MFA device {serial}");

        // The first session, as any session get serves it (and caches it).
        profiles.Forget();
        var pipeline = pipelines(run.Reporter);
        var request = pipeline.Resolve(new PipelineOptions(Profile: profile, EndpointUrl: options.EndpointUrl, RequestTimeout: options.RequestTimeout));
        var served = await pipeline.GetAsync(request, cancellationToken).ConfigureAwait(false);
        run.Reporter.Info($"an MFA session for profile '{profile}' is cached until {Timestamps.Format(served.Credentials.Expiration)}");
        run.Reporter.Info($"load it into a shell with: {LoadLine(profile)}   (add that line to {ShellProfile()} to load it in every new shell; it asks for a code only when the cached session has run out)");
        return ExitCodes.Success;
    }

    private void Describe(string profile, AwsProfile? existing, KeyringIndexEntry? stored)
    {
        if (existing is null && stored is null)
        {
            terminal.WriteLine($"Profile '{profile}' is new.");
            return;
        }

        var keysText = stored is not null ? $"keys in the {stored.Backend} keyring ({KeyIds.Mask(stored.AccessKeyId)})"
            : existing is { HasLongTermKeys: true } ? $"keys in the credentials file ({KeyIds.Mask(existing.AccessKeyId!)})"
            : "no keys";
        terminal.WriteLine($"Profile '{profile}' has {keysText}, region {existing?.Region ?? "not set"}, MFA device {existing?.MfaSerial ?? "not set"}.");
    }

    private async Task<(LongTermCredentials? NewKeys, IamUser User, IIamMfaDevices Devices)> KeysAsync(
        string profile, AwsProfile? existing, KeyringIndexEntry? stored, AwsTarget target, CancellationToken cancellationToken)
    {
        LongTermCredentials? held = null;
        if (stored is not null && await YesAsync($"Keep the keys in the keyring ({KeyIds.Mask(stored.AccessKeyId)})? [Y/n] ", true, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                held = await keyrings().ReadAsync(profile, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyringUnavailableException e)
            {
                throw e.ToUsage();
            }
        }
        else if (stored is null && existing is { HasLongTermKeys: true } && await YesAsync($"Keep the keys in the credentials file ({KeyIds.Mask(existing.AccessKeyId!)})? [Y/n] ", true, cancellationToken).ConfigureAwait(false))
        {
            held = new LongTermCredentials(existing.AccessKeyId!, existing.SecretAccessKey!);
        }

        if (held is not null)
        {
            var (user, iam) = await accounts.IdentifyAsync(new RootCredentials(held.AccessKeyId, held.SecretAccessKey), target, $"profile '{profile}'", cancellationToken).ConfigureAwait(false);
            return (null, user, iam);
        }

        for (var attempt = 1; ; attempt++)
        {
            var id = (await terminal.PromptAsync("Access key ID: ", cancellationToken).ConfigureAwait(false) ?? throw EndOfInput()).Trim();
            string? why = null;
            if (!KeyIds.IsLongTerm(id))
            {
                why = "that is not an IAM user's access key id (AKIA followed by 16 capital letters and digits)";
            }
            else
            {
                var secret = (await terminal.PromptSecretAsync("Secret access key: ", cancellationToken).ConfigureAwait(false) ?? throw EndOfInput()).Trim();
                if (!StsAnswer.HasValidKeyShape(id, secret))
                {
                    why = "that is not a secret access key (40 letters, digits, + and /)";
                }
                else
                {
                    try
                    {
                        var (user, iam) = await accounts.IdentifyAsync(new RootCredentials(id, secret), target, "these keys", cancellationToken).ConfigureAwait(false);
                        return (new LongTermCredentials(id, secret), user, iam);
                    }
                    catch (AwsmfaException e) when (e.ExitCode == ExitCodes.AuthenticationRejected)
                    {
                        why = Printable.OneLine(e.Message);
                    }
                }
            }

            if (attempt >= Tries)
            {
                throw AwsmfaException.Usage($"no usable keys in {Tries} tries ({why}); nothing was written");
            }

            terminal.WriteLine($"{char.ToUpperInvariant(why[0])}{why[1..]}.");
        }
    }

    /// <summary>The keyring to store new keys in, or null for the credentials file: only when the person refuses the keyring, or none can be reached and they agree.</summary>
    private async Task<IKeyring?> KeyringAsync(string profile, CancellationToken cancellationToken)
    {
        var credentials = profiles.Files[0];
        string why;
        try
        {
            var keyring = keyrings();
            // A read is the cheapest way to learn the keyring answers (a bus, a daemon, a locked collection).
            await keyring.ReadAsync(profile, cancellationToken).ConfigureAwait(false);
            if (await YesAsync($"Store the keys in the {keyring.Backend} keyring? (no: in plaintext in {credentials}) [Y/n] ", true, cancellationToken).ConfigureAwait(false))
            {
                return keyring;
            }

            return null;
        }
        catch (KeyringUnavailableException e)
        {
            why = Printable.OneLine(e.Message);
        }

        terminal.WriteLine($"No keyring answers ({why}).");
        return await YesAsync($"Store the keys in plaintext in {credentials}, readable by you alone? [y/N] ", false, cancellationToken).ConfigureAwait(false)
            ? null
            : throw AwsmfaException.Usage("no keyring, and plaintext refused: nothing was written; set up a keyring (docs/keys.md) and run awsmfa init again");
    }

    private static string? RegionProblem(string region) =>
        !InputRules.IsRegion(region) ? InputRules.RegionHint : KnownRegions.Typo(region);

    /// <summary>The device to name: the profile's if it is the user's, one the user has, or a new virtual one.</summary>
    private async Task<string> DeviceAsync(string profile, string? current, IamUser user, IIamMfaDevices iam, Reporter reporter, CancellationToken cancellationToken)
    {
        var devices = (await iam.ListAsync(user.Name, cancellationToken).ConfigureAwait(false))
            .Where(d => MfaDeviceTypes.GivesCodes(MfaDeviceTypes.Of(d.SerialNumber))).Select(d => d.SerialNumber).ToList();
        if (current is not null && devices.Contains(current) && await YesAsync($"Keep MFA device {current}? [Y/n] ", true, cancellationToken).ConfigureAwait(false))
        {
            return current;
        }

        if (devices.Count > 0)
        {
            for (var i = 0; i < devices.Count; i++)
            {
                terminal.WriteLine($"  {i + 1}. {devices[i]}");
            }

            terminal.WriteLine("  n. a new virtual device (an authenticator app)");
            var choice = await AskAsync($"MFA device for profile '{profile}' [1]: ", "1", text =>
                text is "n" or "N" || int.TryParse(text, out var number) && number >= 1 && number <= devices.Count ? null : $"answer 1 to {devices.Count}, or n", cancellationToken).ConfigureAwait(false);
            if (choice is not ("n" or "N"))
            {
                return devices[int.Parse(choice, System.Globalization.CultureInfo.InvariantCulture) - 1];
            }
        }
        else
        {
            terminal.WriteLine($"IAM user {user.Name} has no MFA device that gives codes: creating a virtual one for an authenticator app.");
        }

        return await setup.CreateAsync(iam, user, user.Name, qrFile: null, showSecret: false, reporter, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteKeysAsync(string profile, LongTermCredentials newKeys, IKeyring? keyring, KeyringIndexEntry? stored, Reporter reporter, CancellationToken cancellationToken)
    {
        if (keyring is not null)
        {
            LongTermCredentials? replaced = null;
            if (stored is not null)
            {
                replaced = await keyring.ReadAsync(profile, cancellationToken).ConfigureAwait(false);
            }

            await keys.StoreAsync(keyring, profile, newKeys, replaced, cancellationToken).ConfigureAwait(false);
            reporter.Info($"stored the keys of profile '{profile}' ({KeyIds.Mask(newKeys.AccessKeyId)}) in the {keyring.Backend} keyring");
            if (profiles.Find(profile) is { HasLongTermKeys: true })
            {
                reporter.Warn($"a plaintext copy of older keys of profile '{profile}' remains in the credentials file; remove it with: awsmfa keys import --profile {profile}, or delete those lines");
            }

            return;
        }

        var credentials = profiles.Files[0];
        ProfileSettingEdit.Set(credentials, profile, AwsProfile.AccessKeyIdKey, newKeys.AccessKeyId);
        ProfileSettingEdit.Set(credentials, profile, AwsProfile.SecretAccessKeyKey, newKeys.SecretAccessKey);
        if (!OperatingSystem.IsWindows() && FileStatus.Following(credentials) is { OthersCanAccess: true })
        {
            // As promised when asked: the plaintext keys are readable by the user alone.
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            reporter.Info($"{credentials} was readable by other users; it is yours alone now (chmod 600)");
        }

        reporter.Info($"wrote the keys of profile '{profile}' ({KeyIds.Mask(newKeys.AccessKeyId)}) to {credentials}; move them into a keyring later with: awsmfa keys import --profile {profile}");
    }

    /// <summary>One answer, <paramref name="fallback"/> when empty, asked again (three times in all) while <paramref name="problem"/> names one.</summary>
    private async Task<string> AskAsync(string prompt, string fallback, Func<string, string?> problem, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = (await terminal.PromptAsync(prompt, cancellationToken).ConfigureAwait(false) ?? throw EndOfInput()).Trim();
            answer = answer.Length == 0 ? fallback : answer;
            if (problem(answer) is not { } why)
            {
                return answer;
            }

            if (attempt >= Tries)
            {
                throw AwsmfaException.Usage($"'{Printable.OneLine(answer)}': {why}; nothing was written");
            }

            terminal.WriteLine($"{char.ToUpperInvariant(why[0])}{why[1..]}.");
        }
    }

    private async Task<bool> YesAsync(string question, bool fallback, CancellationToken cancellationToken)
    {
        var answer = (await terminal.PromptAsync(question, cancellationToken).ConfigureAwait(false) ?? throw EndOfInput()).Trim().ToUpperInvariant();
        return answer.Length == 0 ? fallback : answer is "Y" or "YES";
    }

    private static AwsmfaException EndOfInput() => AwsmfaException.Usage("the terminal closed before every answer was in; nothing was written");

    private string LoadLine(string profile)
    {
        var shell = Path.GetFileName(environment.Get("SHELL") ?? "");
        var named = profile == "default" ? "" : $" --profile {profile}";
        return shell switch
        {
            "fish" => $"awsmfa session get{named} --output fish | source",
            "pwsh" or "powershell" => $"awsmfa session get{named} --output powershell | Out-String | Invoke-Expression",
            _ => $"eval \"$(awsmfa session get{named})\"",
        };
    }

    private string ShellProfile() => Path.GetFileName(environment.Get("SHELL") ?? "") switch
    {
        "zsh" => "~/.zshrc",
        "fish" => "~/.config/fish/config.fish",
        "pwsh" or "powershell" => "$PROFILE",
        _ => "~/.bashrc",
    };
}
