using Amazon.SecurityToken.Model;
using Awsmfa.Credentials;

namespace Awsmfa.Aws;

/// <summary>Who a key belongs to: STS GetCallerIdentity signed with the key itself (keys rotate, the mfa commands, init).</summary>
internal static class CallerIdentity
{
    public static async Task<string> ArnAsync(IAwsClientFactory clients, RootCredentials keys, AwsTarget target, CancellationToken cancellationToken)
    {
        using var sts = keys.IsLongTerm ? clients.CreateSts(keys.LongTerm, target) : clients.CreateSts(keys.Session, target);
        try
        {
            var identity = await AwsCall.RunAsync(target, sts, token => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token), cancellationToken).ConfigureAwait(false);
            return identity?.Arn ?? throw new AwsmfaException(ExitCodes.AwsError, "STS answered GetCallerIdentity without an ARN");
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StsFailures.ForCallerIdentity(e);
        }
    }
}
