using Awsmfa.Aws;
using Awsmfa.Credentials;

namespace Awsmfa.Mfa;

/// <summary>
/// Reaches the IAM user behind a profile for the <c>mfa</c> commands: the root's own credentials
/// (a new user has no device yet, so there can be no MFA session), STS GetCallerIdentity for the
/// user, and IAM's MFA-device calls signed with those credentials.
/// </summary>
internal sealed class MfaAccounts(IAwsClientFactory clients, Func<SessionCredentials, string, AwsTarget, IIamMfaDevices> iamFor)
{
    public async Task<(IamUser User, IIamMfaDevices Devices)> OpenAsync(CredentialPipeline pipeline, SessionRequest request, CancellationToken cancellationToken)
    {
        if (request.Root.NeedsNoMfaDevice)
        {
            throw AwsmfaException.Usage(
                $"profile '{request.Profile}' is {request.Root.Description}: it has no IAM user, so no MFA device; name the profile with the IAM user's keys");
        }

        var keys = await pipeline.RootCredentialsAsync(request, cancellationToken).ConfigureAwait(false);
        return await IdentifyAsync(keys, request.Target, $"profile '{request.Profile}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user whose keys these are (<c>init</c>'s, before anything is written), and its devices.</summary>
    /// <param name="whose">What the keys are, for the message when they are no IAM user's.</param>
    public async Task<(IamUser User, IIamMfaDevices Devices)> IdentifyAsync(RootCredentials keys, AwsTarget target, string whose, CancellationToken cancellationToken)
    {
        var arn = await CallerIdentity.ArnAsync(clients, keys, target, cancellationToken).ConfigureAwait(false);
        var user = IamUser.FromArn(arn) ?? throw AwsmfaException.Usage(
            $"the credentials of {whose} belong to {Output.Printable.OneLine(arn)}, not to an IAM user; MFA devices are an IAM user's (an account's root user manages its own in the console)");
        return (user, iamFor(keys.Session, user.Partition, target));
    }

    /// <summary>Devices for an MFA session's credentials (DeactivateMFADevice wants MFA when the user's policy says so).</summary>
    public IIamMfaDevices WithSession(SessionCredentials session, IamUser user, AwsTarget target) => iamFor(session, user.Partition, target);
}
