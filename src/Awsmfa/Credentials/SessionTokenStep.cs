using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>STS GetSessionToken with the root's long-term keys, the MFA device and a code: the MFA session.</summary>
/// <param name="passTemporaryOn">
/// Below a role: when the root gives temporary credentials (a credential_process), they are
/// passed on to sign the role with (not cached, no MFA behind them) instead of refused.
/// </param>
internal sealed class SessionTokenStep(
    ICredentialRoot root,
    SessionRequest request,
    IAwsClientFactory clients,
    IProfileStore profiles,
    MfaCodeSource codes,
    TimeProvider clock,
    Reporter reporter,
    bool passTemporaryOn = false) : ICredentialStep
{
    public StepIdentity Identity { get; } = StepIdentity.ForSessionToken(root.Identity, request.MfaSerial ?? "");

    public async Task<MintedCredentials> GetAsync(CancellationToken cancellationToken)
    {
        // The session length is checked before the root is asked (a password manager may prompt).
        var duration = ResolveDuration();
        var keys = await root.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!keys.IsLongTerm)
        {
            return passTemporaryOn
                ? new MintedCredentials(keys.Session, CodeHash: null) { Cacheable = false, CarriesMfa = false }
                : throw AwsmfaException.Usage(
                    $"the {root.Identity.Kind} keys of profile '{request.Profile}' are temporary credentials (a session token), which cannot call GetSessionToken; they can only be the source_profile of a role profile");
        }

        var serial = request.MfaSerial ?? throw AwsmfaException.Usage(
            $"no MFA device for the long-term keys of profile '{request.Profile}': pass --serial-number ARN, set AWSMFA_SERIAL_NUMBER, or add mfa_serial = ARN to the profile in ~/.aws/config");
        using var sts = clients.CreateSts(keys.LongTerm, request.Target);
        var (response, codeHash) = await codes.SpendAsync(request, serial, async (code, token) =>
        {
            reporter.Detail($"calling STS GetSessionToken for {serial}, {duration} s, with access key {KeyIds.Mask(keys.AccessKeyId)} ({root.Identity.Kind})");
            try
            {
                return await AwsCall.RunAsync(
                    request.Target,
                    attempt => sts.GetSessionTokenAsync(
                        new GetSessionTokenRequest { DurationSeconds = duration, SerialNumber = serial, TokenCode = code },
                        attempt),
                    token).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !token.IsCancellationRequested)
            {
                throw Map(e, serial, keys.AccessKeyId);
            }
        }, cancellationToken).ConfigureAwait(false);

        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "GetSessionToken", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, clock.GetUtcNow(), duration);
        return new MintedCredentials(credentials, codeHash);
    }

    private int ResolveDuration()
    {
        if (request.DurationSeconds is { } requested)
        {
            return requested;
        }

        if (request.SettingsProfile is null || profiles.FindSetting(request.SettingsProfile, "duration_seconds") is not { } configured)
        {
            return DurationParser.DefaultSessionSeconds;
        }

        return DurationParser.TryParseSeconds(configured, out var seconds) && DurationParser.IsValidSession(seconds)
            ? seconds
            : throw AwsmfaException.Usage(
                $"duration_seconds in profile '{request.SettingsProfile}' must be {DurationParser.SessionRangeHint}");
    }

    private static AwsmfaException Map(Exception e, string mfaSerial, string accessKeyId)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (RejectedCode(e, mfaSerial) is { } rejected)
        {
            return rejected;
        }

        if (message.Contains("GetSessionToken with session credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.UsageError,
                $"access key {KeyIds.Mask(accessKeyId)} belongs to a session; GetSessionToken needs an IAM user's long-term access key",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "ValidationError" })
        {
            return new AwsmfaException(ExitCodes.UsageError, $"STS rejected the request as invalid: {message}", e);
        }

        return AwsErrors.Map("STS", e);
    }

    /// <summary>STS's answers about the MFA code or device, the same for GetSessionToken and AssumeRole with a code.</summary>
    public static AwsmfaException? RejectedCode(Exception e, string mfaSerial)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (message.Contains("invalid MFA one time pass code", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                "STS rejected the MFA code: it is wrong, expired or was already used. Wait for the next code; if that fails too, check the device's clock",
                e)
            {
                CodeRejected = true,
            };
        }

        if (message.Contains("unable to validate MFA code", StringComparison.OrdinalIgnoreCase)
            || (message.Contains("MultiFactorAuthentication", StringComparison.OrdinalIgnoreCase) && message.Contains("serial", StringComparison.OrdinalIgnoreCase)))
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                $"STS could not check the code against MFA device {mfaSerial}: is that the ARN of this user's device? (--serial-number, AWSMFA_SERIAL_NUMBER or mfa_serial)",
                e);
        }

        return null;
    }
}
