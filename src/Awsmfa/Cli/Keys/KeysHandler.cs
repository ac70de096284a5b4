using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Keyring;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Keys;

/// <summary>One row of <c>keys list</c>.</summary>
internal sealed record KeyJson(string Profile, string AccessKey, string Backend, string Added);

/// <summary>
/// Runs <c>keys add | list | remove | import</c>. Every write goes to the keyring and is read back
/// before anything else changes (awsmfa's index of keyring profiles, the credentials file).
/// </summary>
internal sealed class KeysHandler(
    Func<IKeyring> keyrings, KeyringIndex index, IProfileStore profiles, IEnvironment environment, ITerminal terminal, IStandardInput standardInput, TimeProvider clock)
{
    private static readonly string[] Header = ["PROFILE", "ACCESS KEY", "BACKEND", "ADDED"];

    public async Task<int> AddAsync(KeysAddOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var keys = await ReadKeysAsync(options.Input, cancellationToken).ConfigureAwait(false);
        var keyring = Open();
        var replaced = await ConfirmReplaceAsync(keyring, options.Profile, keys, options.Yes, "the key", cancellationToken).ConfigureAwait(false);
        await StoreAsync(keyring, options.Profile, keys, replaced, cancellationToken).ConfigureAwait(false);
        run.Reporter.Info($"stored the keys of profile '{options.Profile}' ({KeyIds.Mask(keys.AccessKeyId)}) in the {keyring.Backend} keyring");
        if (profiles.Find(options.Profile) is { HasLongTermKeys: true })
        {
            run.Reporter.Warn($"a plaintext copy of the keys of profile '{options.Profile}' remains in the credentials file; remove it with: awsmfa keys import --profile {options.Profile}");
        }

        return ExitCodes.Success;
    }

    public async Task<int> ListAsync(KeysListOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        index.ThrowIfBroken();
        var held = await CheckAgainstKeyringAsync(run, cancellationToken).ConfigureAwait(false);
        var entries = index.Entries.OrderBy(e => e.Profile, StringComparer.Ordinal)
            .Select(e => held.TryGetValue(e.Profile, out var id) ? e with { AccessKeyId = id } : e)
            .ToList();
        if (options.Format == ListFormat.Json)
        {
            OutputJson.Write(run.Output, entries.Select(e => new KeyJson(e.Profile, KeyIds.Mask(e.AccessKeyId), e.Backend, Timestamps.Format(e.Added))).ToList(), OutputJson.Indented.ListKeyJson);
            return ExitCodes.Success;
        }

        if (entries.Count == 0)
        {
            run.Reporter.Info("no keys in a keyring yet; move a profile's keys there with: awsmfa keys import --profile NAME");
            return ExitCodes.Success;
        }

        var table = new List<IReadOnlyList<string>> { Header };
        table.AddRange(entries.Select(e => new[] { Printable.Cell(e.Profile), KeyIds.Mask(e.AccessKeyId), Printable.Cell(e.Backend), Timestamps.Format(e.Added) }));
        run.Output.Write(TextTable.Render(table));
        return ExitCodes.Success;
    }

    /// <summary>
    /// The keyring item is the truth: a rotation killed between storing the new key and
    /// recording it leaves keys.json naming the old one. The list shows the keyring's key and says
    /// so; keys.json is left for <c>keys rotate</c>, which deletes the old key from IAM by it. A
    /// keyring that cannot be read leaves the list as keys.json has it, with a warning.
    /// </summary>
    /// <returns>The key id the keyring holds, by profile, where keys.json names another.</returns>
    private async Task<Dictionary<string, string>> CheckAgainstKeyringAsync(CommandRun run, CancellationToken cancellationToken)
    {
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        if (index.Entries.Count == 0)
        {
            return held;
        }

        IKeyring keyring;
        try
        {
            keyring = keyrings();
        }
        catch (KeyringUnavailableException e)
        {
            run.Reporter.Warn($"the keyring could not be read to check keys.json against it ({e.Message}); showing keys.json as it is");
            return held;
        }

        foreach (var entry in index.Entries.Where(e => e.Backend == keyring.Backend))
        {
            LongTermCredentials? keys;
            try
            {
                keys = await keyring.ReadAsync(entry.Profile, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyringUnavailableException e)
            {
                run.Reporter.Warn($"the keyring could not be read to check keys.json against it ({e.Message}); showing keys.json as it is");
                return held;
            }

            if (keys is not null && keys.AccessKeyId != entry.AccessKeyId)
            {
                held[entry.Profile] = keys.AccessKeyId;
                run.Reporter.Warn($"keys.json names {KeyIds.Mask(entry.AccessKeyId)} for profile '{entry.Profile}', but the keyring holds {KeyIds.Mask(keys.AccessKeyId)} (an interrupted keys rotate?): awsmfa keys rotate --profile {entry.Profile} finishes it, deleting {KeyIds.Mask(entry.AccessKeyId)} from IAM");
            }
        }

        return held;
    }

    public async Task<int> RemoveAsync(KeysRemoveOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var (profile, yes) = options;
        var keyring = Open();
        var recorded = index.Find(profile);
        if (!yes)
        {
            var what = recorded is null ? "" : $" ({KeyIds.Mask(recorded.AccessKeyId)})";
            await ConfirmAsync($"Remove the keys of profile '{profile}'{what} from the {keyring.Backend} keyring? [y/N] ", "remove", "nothing was removed", cancellationToken).ConfigureAwait(false);
        }

        var removed = await Guarded(() => keyring.RemoveAsync(profile, cancellationToken)).ConfigureAwait(false);
        var forgotten = index.Remove(profile);
        if (!removed && !forgotten)
        {
            throw AwsmfaException.Usage($"the {keyring.Backend} keyring holds no keys for profile '{profile}'");
        }

        run.Reporter.Info($"removed the keys of profile '{profile}' from the {keyring.Backend} keyring (the key is still active in IAM)");
        return ExitCodes.Success;
    }

    public async Task<int> ImportAsync(KeysImportOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var (profile, yes) = options;
        var found = profiles.Find(profile);
        // A stale aws_session_token beside an IAM user's keys goes with them; session keys (ASIA) are no import.
        if (found is not { AccessKeyId: { } id, SecretAccessKey: not null } || id.StartsWith("ASIA", StringComparison.Ordinal))
        {
            throw AwsmfaException.Usage(index.Find(profile) is not null
                ? $"profile '{profile}' has no keys in {profiles.Describe()} to import; its keys are already in the keyring"
                : $"profile '{profile}' has no long-term keys (aws_access_key_id and aws_secret_access_key) in {profiles.Describe()} to import");
        }

        var keys = new LongTermCredentials(found.AccessKeyId!, found.SecretAccessKey!);
        if (!IsLongTermKey(keys))
        {
            throw AwsmfaException.Usage($"the keys of profile '{profile}' in {profiles.Describe()} are not in the shape AWS issues (AKIA and 16 capitals and digits; a 40-character secret); nothing was changed");
        }

        // Every copy of the profile's keys the files hold must be this pair: a different pair
        // somewhere (another section, another file) would be lost by removing it, or left behind.
        var copies = Sections(profile).SelectMany(s => PlaintextKeys.Find(s.Path, s.Section)).ToList();
        if (copies.FirstOrDefault(c => c.AccessKeyId != keys.AccessKeyId || c.SecretAccessKey != keys.SecretAccessKey) is { } other)
        {
            throw AwsmfaException.Usage(
                $"profile '{profile}' has other keys too ({(other.AccessKeyId is { } otherId ? KeyIds.Mask(otherId) : "a secret without a key id")} in [{other.Section}] of {Printable.OneLine(other.Path)}); keep one pair in the files, then import again; nothing was changed");
        }

        if (copies.Count == 0)
        {
            throw AwsmfaException.Usage($"the lines holding the keys of profile '{profile}' were not found in {profiles.Describe()}; nothing was changed");
        }

        var keyring = Open();
        var replaced = await ConfirmReplaceAsync(keyring, profile, keys, yes, "the credentials file's", cancellationToken).ConfigureAwait(false);
        await StoreAsync(keyring, profile, keys, replaced, cancellationToken).ConfigureAwait(false);

        var cleaned = new List<string>();
        foreach (var (path, section) in copies.Select(c => (c.Path, c.Section)).Distinct())
        {
            // The file is replaced under its name: another hard link keeps the old one, keys and all.
            if (FileStatus.Following(path) is { Links: > 1 } linked)
            {
                run.Reporter.Warn($"{Printable.OneLine(path)} has {linked.Links} hard links: the keys are removed from this name only, and the file's other {(linked.Links == 2 ? "name keeps" : $"{linked.Links - 1} names keep")} them (find it with: find / -xdev -samefile '{Printable.OneLine(path)}')");
            }

            try
            {
                if (PlaintextKeys.Remove(path, section, keys) > 0 && !cleaned.Contains(path))
                {
                    cleaned.Add(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AwsmfaException(ExitCodes.UsageError, $"the keys are in the {keyring.Backend} keyring, but {Printable.OneLine(path)} could not be rewritten ({Printable.OneLine(e.Message)}); remove the profile's aws_access_key_id and aws_secret_access_key lines yourself");
            }
        }

        run.Reporter.Info($"moved the keys of profile '{profile}' ({KeyIds.Mask(keys.AccessKeyId)}) into the {keyring.Backend} keyring and removed them from {string.Join(" and ", cleaned.Select(Printable.OneLine))}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Stores the keys, reads them back, and only then records the profile as a keyring one. When
    /// the record cannot be written, the keyring is set back (to <paramref name="replaced"/>, or
    /// without the item), so that no key sits in the keyring that awsmfa does not know of.
    /// </summary>
    public async Task StoreAsync(IKeyring keyring, string profile, LongTermCredentials keys, LongTermCredentials? replaced, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await Guarded(async () =>
        {
            await keyring.WriteAsync(profile, keys, now, cancellationToken).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
        var back = await Guarded(() => keyring.ReadAsync(profile, cancellationToken)).ConfigureAwait(false);
        if (back != keys)
        {
            throw AwsmfaException.Usage($"the {keyring.Backend} keyring did not give back the keys just stored for profile '{profile}'; nothing else was changed");
        }

        try
        {
            index.Put(new KeyringIndexEntry(profile, keyring.Backend, keys.AccessKeyId, now));
        }
        catch (AwsmfaException)
        {
            if (replaced is not null)
            {
                await keyring.WriteAsync(profile, replaced, now, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await keyring.RemoveAsync(profile, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    private IKeyring Open()
    {
        try
        {
            return keyrings();
        }
        catch (KeyringUnavailableException e)
        {
            throw e.ToUsage();
        }
    }

    private static async Task<T> Guarded<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KeyringUnavailableException e)
        {
            throw e.ToUsage();
        }
    }

    /// <summary>Asks before keys the keyring holds are replaced by others; the keys replaced, if any.</summary>
    private async Task<LongTermCredentials?> ConfirmReplaceAsync(IKeyring keyring, string profile, LongTermCredentials keys, bool yes, string what, CancellationToken cancellationToken)
    {
        LongTermCredentials? existing;
        string held;
        try
        {
            existing = await keyring.ReadAsync(profile, cancellationToken).ConfigureAwait(false);
            held = existing is null ? "" : KeyIds.Mask(existing.AccessKeyId);
        }
        catch (KeyringItemUnreadableException)
        {
            // An item awsmfa cannot read (damaged, or written by hand) is replaceable, after asking.
            existing = null;
            held = "an unreadable item";
        }
        catch (KeyringUnavailableException e)
        {
            throw e.ToUsage();
        }

        if (held.Length == 0 || existing == keys || yes)
        {
            return existing;
        }

        await ConfirmAsync(
            $"The {keyring.Backend} keyring holds {held} for profile '{profile}'; replace it with {what} {KeyIds.Mask(keys.AccessKeyId)}? [y/N] ",
            "replace keys", "nothing was changed", cancellationToken).ConfigureAwait(false);
        return existing;
    }

    private async Task ConfirmAsync(string question, string what, string outcome, CancellationToken cancellationToken)
    {
        if (!terminal.IsAvailable)
        {
            throw AwsmfaException.Usage($"refusing to {what} without confirmation: there is no terminal to ask; pass --yes to confirm");
        }

        var answer = await terminal.PromptAsync(question, cancellationToken).ConfigureAwait(false);
        if (answer?.Trim().ToUpperInvariant() is not ("Y" or "YES"))
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"not confirmed; {outcome}");
        }
    }

    private async Task<LongTermCredentials> ReadKeysAsync(KeysInput input, CancellationToken cancellationToken)
    {
        string? id;
        string? secret;
        switch (input)
        {
            case KeysInput.Environment:
                id = environment.Get("AWS_ACCESS_KEY_ID")?.Trim();
                secret = environment.Get("AWS_SECRET_ACCESS_KEY")?.Trim();
                if (id is null || secret is null)
                {
                    throw AwsmfaException.Usage("--from-env needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set");
                }

                if (environment.Get("AWS_SESSION_TOKEN") is { Length: > 0 })
                {
                    throw AwsmfaException.Usage("AWS_SESSION_TOKEN is set: the environment holds session credentials, not an IAM user's long-term keys");
                }

                break;
            case KeysInput.Stdin:
                if (!System.Console.IsInputRedirected)
                {
                    // Typed at a terminal, --stdin would show the secret as it is typed: refused
                    // before a single line is read, so nothing is typed in vain.
                    throw AwsmfaException.Usage("--stdin is for a pipe or a file; at a terminal, leave it out: awsmfa keys add asks for the secret without showing it");
                }

                id = (await standardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
                secret = (await standardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
                if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
                {
                    throw AwsmfaException.Usage("--stdin reads two lines: the access key id, then the secret access key");
                }

                break;
            default:
                if (!terminal.IsAvailable)
                {
                    throw AwsmfaException.Usage("no terminal to ask for the keys: pass them with --stdin (two lines) or --from-env");
                }

                id = (await terminal.PromptAsync("Access key ID: ", cancellationToken).ConfigureAwait(false))?.Trim();
                secret = id is { Length: > 0 } ? (await terminal.PromptSecretAsync("Secret access key: ", cancellationToken).ConfigureAwait(false))?.Trim() : null;
                break;
        }

        if (id is null || !KeyIds.IsLongTerm(id))
        {
            throw AwsmfaException.Usage("that is not an IAM user's access key id (AKIA followed by 16 capital letters and digits)");
        }

        if (!StsAnswer.HasValidKeyShape(id, secret))
        {
            throw AwsmfaException.Usage("that is not a secret access key (40 letters, digits, + and /)");
        }

        return new LongTermCredentials(id, secret!);
    }

    /// <summary>Where a profile's keys may be written: its sections of the credentials file (the SDK also reads <c>[profile NAME]</c> there), and of the config file.</summary>
    private IEnumerable<(string Path, string Section)> Sections(string profile)
    {
        var files = profiles.Files;
        if (files.Count > 0)
        {
            yield return (files[0], profile);
            yield return (files[0], "profile " + profile);
        }

        if (files.Count > 1)
        {
            yield return (files[1], "profile " + profile);
            if (profile == "default")
            {
                yield return (files[1], "default");
            }
        }
    }

    private static bool IsLongTermKey(LongTermCredentials keys) =>
        KeyIds.IsLongTerm(keys.AccessKeyId) && StsAnswer.HasValidKeyShape(keys.AccessKeyId, keys.SecretAccessKey);
}
