using Awsmfa.Keyring;

namespace Awsmfa.Credentials;

/// <summary>
/// An IAM user's keys from the OS keyring, read only on a miss (under the entry's lock), never
/// for a cached answer. When the keyring cannot be read and the credentials file still holds the
/// profile's keys, those serve, with a warning; nothing is ever written in plaintext.
/// </summary>
internal sealed class KeyringRoot(KeyringRootSpec spec, Func<IKeyring> keyring, Reporter reporter) : ICredentialRoot
{
    public RootIdentity Identity => spec.Identity;

    public async Task<RootCredentials> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var store = keyring();
            var keys = await store.ReadAsync(spec.Profile, cancellationToken).ConfigureAwait(false);
            if (keys is not null)
            {
                reporter.Detail($"read the keys of profile '{spec.Profile}' ({Aws.KeyIds.Mask(keys.AccessKeyId)}) from the {store.Backend} keyring");
                WarnOfPlaintextCopy(keys.AccessKeyId);
                return new RootCredentials(keys.AccessKeyId, keys.SecretAccessKey);
            }

            return Fallback($"the {store.Backend} keyring holds no keys for profile '{spec.Profile}'")
                ?? throw AwsmfaException.Usage(
                    $"the {store.Backend} keyring holds no keys for profile '{spec.Profile}' (they were removed outside awsmfa); store them again: awsmfa keys add --profile {spec.Profile}");
        }
        catch (KeyringUnavailableException e)
        {
            return Fallback(e.Message) ?? throw e.ToUsage();
        }
    }

    /// <summary>One line while the credentials file still holds keys for a keyring profile: the same key (import removes it), or a stale one.</summary>
    private void WarnOfPlaintextCopy(string keyringKeyId)
    {
        if (spec.Plaintext is not { } copy)
        {
            return;
        }

        reporter.Warn(copy.AccessKeyId == keyringKeyId
            ? $"profile '{spec.Profile}': its keys are in the keyring, and a plaintext copy remains in the credentials file; remove it with: awsmfa keys import --profile {spec.Profile}"
            : $"profile '{spec.Profile}': the credentials file holds another key ({Aws.KeyIds.Mask(copy.AccessKeyId)}) than the keyring's ({Aws.KeyIds.Mask(keyringKeyId)}), which is used; if the file's key is stale, delete its lines");
    }

    private RootCredentials? Fallback(string why)
    {
        if (spec.Plaintext is null)
        {
            return null;
        }

        reporter.Warn($"{why}; using the plaintext copy of profile '{spec.Profile}' in the credentials file");
        return spec.Plaintext;
    }
}

/// <summary>
/// Keys in the keyring, known by the id awsmfa recorded when storing them, as keys in a file: moving
/// keys from the file into the keyring keeps the session, a rotated key starts a new one.
/// </summary>
/// <param name="KeyringKeyId">The id of the keys the keyring holds for the profile, as awsmfa stored them.</param>
/// <param name="Plaintext">A copy still in the credentials file, used only when the keyring cannot be read.</param>
internal sealed record KeyringRootSpec(string Profile, string KeyringKeyId, RootCredentials? Plaintext) : RootSpec(RootIdentity.Keyring, Profile)
{
    protected override IReadOnlyList<string> OwnKeyParts => [Profile, KeyringKeyId];

    public override string Description => "keys in the OS keyring";

    public override ICredentialRoot Create(CredentialRoots roots, SessionRequest request) => roots.Keyring(this);

    public override IEnumerable<Diagnostics.CheckResult> Checks() => Plaintext is null ? [] :
    [
        new("profile", Diagnostics.CheckStatus.Warn, $"profile '{Profile}' has its keys in the keyring and a plaintext copy in the credentials file: remove it with awsmfa keys import --profile {Profile}"),
    ];
}
