using Awsmfa.Aws;

namespace Awsmfa.Keyring;

/// <summary>How a rotation ended: the new key in the keyring and, unless <see cref="OldKeyLeft"/>, the old one deleted.</summary>
/// <param name="OldKeyLeft">Why the old key is still in IAM, when its deletion failed after the new key was stored and confirmed.</param>
internal sealed record RotationOutcome(string UserName, string OldKeyId, string NewKeyId, string? OldKeyLeft);

/// <summary>
/// Replaces an IAM user's access key with a new one so that nothing is lost on any failure: the
/// old key stays in IAM until the new one is stored in the keyring, read back and accepted by
/// STS; a new key that cannot be stored or confirmed is deleted again and the old one put back.
/// </summary>
/// <param name="confirm">True when STS accepts the key; false while IAM has not yet propagated it (any other failure throws).</param>
internal sealed class KeyRotation(
    IKeyring keyring,
    KeyringIndex index,
    IIamAccessKeys iam,
    Func<LongTermCredentials, CancellationToken, Task<bool>> confirm,
    TimeProvider clock,
    TimeSpan confirmFor,
    TimeSpan confirmEvery)
{
    /// <summary>IAM's own limit of access keys per user, active or not.</summary>
    public const int MaxKeysPerUser = 2;

    public async Task<RotationOutcome> RotateAsync(string profile, string userName, LongTermCredentials old, CancellationToken cancellationToken)
    {
        var existing = await iam.ListAsync(userName, cancellationToken).ConfigureAwait(false);
        if (existing.Count >= MaxKeysPerUser)
        {
            var other = existing.FirstOrDefault(k => k.AccessKeyId != old.AccessKeyId)?.AccessKeyId ?? "ID";
            throw AwsmfaException.Usage(
                $"IAM user {userName} already has {existing.Count} access keys ({string.Join(", ", existing.Select(k => $"{KeyIds.Mask(k.AccessKeyId)} {k.Status.ToLowerInvariant()}"))}), IAM's limit; nothing was changed. Delete the one not in use first: aws iam delete-access-key --user-name {userName} --access-key-id {other}");
        }

        var created = await iam.CreateAsync(userName, cancellationToken).ConfigureAwait(false);
        // From here on, any failure (the keyring, STS, the record, Ctrl-C) puts everything back:
        // the old key in the keyring and the record, the new key deleted from IAM.
        try
        {
            try
            {
                await keyring.WriteAsync(profile, created, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                if (await keyring.ReadAsync(profile, cancellationToken).ConfigureAwait(false) != created)
                {
                    throw new KeyringUnavailableException($"the {keyring.Backend} keyring did not give back the new key");
                }
            }
            catch (KeyringUnavailableException e)
            {
                throw new AwsmfaException(ExitCodes.UsageError, $"the new key could not be stored ({e.Message})", e);
            }

            if (!await ConfirmAsync(created, cancellationToken).ConfigureAwait(false))
            {
                throw new AwsmfaException(ExitCodes.AwsError, $"STS did not accept the new key within {confirmFor.TotalSeconds:0} s");
            }

            index.Put(new KeyringIndexEntry(profile, keyring.Backend, created.AccessKeyId, clock.GetUtcNow()));
        }
        catch (Exception e) when (e is AwsmfaException or KeyringUnavailableException or IOException or OperationCanceledException)
        {
            var (why, exitCode) = e switch
            {
                OperationCanceledException => ("interrupted", ExitCodes.Interrupted),
                AwsmfaException known => (known.Message, known.ExitCode),
                _ => (e.Message, ExitCodes.AwsError),
            };
            throw await UndoAsync(profile, userName, old, created, why, exitCode).ConfigureAwait(false);
        }

        try
        {
            await iam.DeleteAsync(userName, old.AccessKeyId, cancellationToken).ConfigureAwait(false);
            return new RotationOutcome(userName, old.AccessKeyId, created.AccessKeyId, null);
        }
        catch (AwsmfaException e)
        {
            return new RotationOutcome(userName, old.AccessKeyId, created.AccessKeyId, e.Message);
        }
    }

    private async Task<bool> ConfirmAsync(LongTermCredentials created, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + confirmFor;
        while (true)
        {
            if (await confirm(created, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            if (clock.GetUtcNow() + confirmEvery > deadline)
            {
                return false;
            }

            await Task.Delay(confirmEvery, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Puts the old key back in the keyring and deletes the new one from IAM; the exception says in one line where the user stands.</summary>
    private async Task<AwsmfaException> UndoAsync(string profile, string userName, LongTermCredentials old, LongTermCredentials created, string why, int exitCode)
    {
        var keyringState = $"your key {KeyIds.Mask(old.AccessKeyId)} is unchanged";
        try
        {
            if (await keyring.ReadAsync(profile, CancellationToken.None).ConfigureAwait(false) != old)
            {
                await keyring.WriteAsync(profile, old, clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is KeyringUnavailableException or IOException)
        {
            keyringState = $"your key {KeyIds.Mask(old.AccessKeyId)} is still active in IAM, but the keyring could not be set back to it ({e.Message}): store it again with awsmfa keys add --profile {profile}";
        }

        try
        {
            await iam.DeleteAsync(userName, created.AccessKeyId, CancellationToken.None).ConfigureAwait(false);
            return new AwsmfaException(exitCode, $"rotation undone: {why}; the new key was deleted from IAM again and {keyringState}");
        }
        catch (AwsmfaException e)
        {
            return new AwsmfaException(
                exitCode,
                $"rotation stopped: {why}, and deleting the new key from IAM failed too ({e.Message}); delete it with: aws iam delete-access-key --user-name {userName} --access-key-id {created.AccessKeyId}; {keyringState}");
        }
    }
}
