using Amazon.SecurityToken.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Keyring;
using Awsmfa.SignIn;

namespace Awsmfa.Cli.Keys;

/// <summary>
/// Runs <c>keys rotate</c>: the key's own user from GetCallerIdentity (signed with the key
/// itself), the profile's MFA session from the pipeline (cached, or one code), then the rotation.
/// </summary>
internal sealed class KeysRotateHandler(
    Func<IKeyring> keyrings,
    KeyringIndex index,
    IProfileStore profiles,
    Func<Reporter, CredentialPipeline> pipelines,
    IAwsClientFactory clients,
    Func<SessionCredentials, string, AwsTarget, IIamAccessKeys> iamFor,
    TimeProvider clock)
{
    /// <summary>How long a new key may take to work: IAM is eventually consistent, usually within seconds.</summary>
    public TimeSpan ConfirmFor { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConfirmEvery { get; init; } = TimeSpan.FromSeconds(2);

    public async Task<int> RotateAsync(KeysRotateOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var profile = options.Profile;
        if (index.Find(profile) is null)
        {
            throw AwsmfaException.Usage($"profile '{profile}' has no keys in the keyring; keys rotate replaces keyring keys: move them there first with awsmfa keys import --profile {profile}");
        }

        var pipeline = pipelines(run.Reporter);
        var request = pipeline.Resolve(new PipelineOptions(
            Profile: profile, SerialNumber: options.SerialNumber, TokenCode: options.TokenCode, EndpointUrl: options.EndpointUrl, RequestTimeout: options.RequestTimeout));
        if (request.Roles.Count > 0 || request.Root.Kind != RootIdentity.Keyring)
        {
            throw AwsmfaException.Usage($"profile '{profile}' assumes a role; keys rotate takes the profile that holds the IAM user's keys");
        }

        if (profiles.Find(profile) is { AccessKeyId: not null })
        {
            // Rotating would leave that copy holding a deleted key, and importing it later would
            // put the deleted key back over the new one.
            throw AwsmfaException.Usage($"profile '{profile}' still has keys in {profiles.Describe()}; move them first with awsmfa keys import --profile {profile} (or delete those lines), then rotate");
        }

        IKeyring keyring;
        LongTermCredentials old;
        try
        {
            keyring = keyrings();
            old = await keyring.ReadAsync(profile, cancellationToken).ConfigureAwait(false)
                ?? throw AwsmfaException.Usage($"the {keyring.Backend} keyring holds no keys for profile '{profile}'; store them with: awsmfa keys add --profile {profile}");
        }
        catch (KeyringUnavailableException e)
        {
            throw e.ToUsage();
        }

        var arn = await CallerIdentity.ArnAsync(clients, new RootCredentials(old.AccessKeyId, old.SecretAccessKey), request.Target, cancellationToken).ConfigureAwait(false);
        var userName = UserName(arn)
            ?? throw AwsmfaException.Usage($"the keys of profile '{profile}' belong to {Output.Printable.OneLine(arn)}, not to an IAM user; rotate an account's root keys in the console");

        var session = await pipeline.GetAsync(request, cancellationToken).ConfigureAwait(false);
        var iam = iamFor(session.Credentials, Partition.For(arn, request.Target.Region).Name, request.Target);
        await FinishInterruptedAsync(profile, userName, old, keyring.Backend, iam, run, cancellationToken).ConfigureAwait(false);
        var rotation = new KeyRotation(keyring, index, iam, (keys, token) => WorksAsync(keys, request.Target, token), clock, ConfirmFor, ConfirmEvery);
        run.Reporter.Info($"rotating the key {KeyIds.Mask(old.AccessKeyId)} of IAM user {userName} (profile '{profile}'); confirming the new one can take up to {ConfirmFor.TotalSeconds:0} s");
        var outcome = await rotation.RotateAsync(profile, userName, old, cancellationToken).ConfigureAwait(false);
        if (outcome.OldKeyLeft is { } why)
        {
            throw new AwsmfaException(
                ExitCodes.AwsError,
                $"the new key {KeyIds.Mask(outcome.NewKeyId)} is in the {keyring.Backend} keyring and works, but the old key could not be deleted ({why}); delete it with: aws iam delete-access-key --user-name {userName} --access-key-id {outcome.OldKeyId}");
        }

        run.Reporter.Info($"rotated profile '{profile}': the new key {KeyIds.Mask(outcome.NewKeyId)} is in the {keyring.Backend} keyring and the old key {KeyIds.Mask(outcome.OldKeyId)} was deleted from IAM");
        return ExitCodes.Success;
    }

    /// <summary>
    /// A rotation killed after the new key was stored and before it was recorded: the keyring
    /// holds a key that works (GetCallerIdentity just said so), keys.json and IAM still name the
    /// old one. The old key is deleted as the rotation would have, and the record set right,
    /// before this rotation starts from the real state.
    /// </summary>
    private async Task FinishInterruptedAsync(string profile, string userName, LongTermCredentials held, string backend, IIamAccessKeys iam, CommandRun run, CancellationToken cancellationToken)
    {
        // Only a record of this very keyring: one written under another backend (AWSMFA_KEYRING,
        // or keys.json from another machine) says nothing about the key held here.
        if (index.Find(profile) is not { } recorded || recorded.AccessKeyId == held.AccessKeyId || recorded.Backend != backend)
        {
            return;
        }

        var listed = await iam.ListAsync(userName, cancellationToken).ConfigureAwait(false);
        if (listed.Any(k => k.AccessKeyId == recorded.AccessKeyId))
        {
            await iam.DeleteAsync(userName, recorded.AccessKeyId, cancellationToken).ConfigureAwait(false);
        }

        index.Put(new KeyringIndexEntry(profile, backend, held.AccessKeyId, clock.GetUtcNow()));
        run.Reporter.Info($"finished an interrupted rotation: the keyring held {KeyIds.Mask(held.AccessKeyId)} while keys.json named {KeyIds.Mask(recorded.AccessKeyId)}, which is now deleted from IAM");
    }

    /// <summary>The user name of an IAM user ARN (<c>arn:aws:iam::123456789012:user/path/alice</c>), or null for anything else.</summary>
    public static string? UserName(string arn) => global::Awsmfa.Mfa.IamUser.FromArn(arn)?.Name;

    /// <summary>GetCallerIdentity signed with the new key: false while IAM has not propagated it yet.</summary>
    private async Task<bool> WorksAsync(LongTermCredentials keys, AwsTarget target, CancellationToken cancellationToken)
    {
        using var sts = clients.CreateSts(keys, target);
        try
        {
            await AwsCall.RunAsync(target, sts, token => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            // A key IAM has not propagated yet (InvalidClientTokenId), and a throttled or
            // unreachable STS alike: not yet; the rotation gives up, and undoes itself, after 30 s.
            return false;
        }
    }
}
