using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>STS GetSessionToken with the long-term keys, the MFA device and a code: the MFA session.</summary>
internal sealed class SessionTokenStep(
    SessionRequest request,
    IAwsClientFactory clients,
    IProfileStore profiles,
    MfaCodeSource codes,
    TimeProvider clock,
    Reporter reporter) : ICredentialStep
{
    private int? _duration;

    public StepIdentity Identity { get; } = StepIdentity.ForSessionToken(request.Profile, request.LongTerm.AccessKeyId, request.MfaSerial);

    /// <summary>The session length: --duration, else the profile's duration_seconds, else 1 h.</summary>
    public void Validate() => _duration ??= ResolveDuration();

    public async Task<MintedCredentials?> MintAsync(string? cachedCodeHash, CancellationToken cancellationToken)
    {
        Validate();
        using var sts = clients.CreateSts(request.LongTerm, request.Target);
        var spent = await codes.SpendAsync(request, cachedCodeHash, async (code, token) =>
        {
            reporter.Detail($"calling STS GetSessionToken for {request.MfaSerial}, {_duration} s, with access key {KeyIds.Mask(request.LongTerm.AccessKeyId)}");
            GetSessionTokenResponse response;
            try
            {
                response = await AwsCall.RunAsync(
                    request.Target,
                    attempt => sts.GetSessionTokenAsync(
                        new GetSessionTokenRequest { DurationSeconds = _duration, SerialNumber = request.MfaSerial, TokenCode = code },
                        attempt),
                    token).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !token.IsCancellationRequested)
            {
                throw Map(e, request);
            }

            return response;
        }, cancellationToken).ConfigureAwait(false);
        if (spent is not var (response, codeHash))
        {
            return null;
        }

        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "GetSessionToken", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, clock.GetUtcNow(), _duration!.Value);
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

    private static AwsmfaException Map(Exception e, SessionRequest request)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (RejectedCode(e, request.MfaSerial) is { } rejected)
        {
            return rejected;
        }

        if (message.Contains("GetSessionToken with session credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.UsageError,
                $"access key {KeyIds.Mask(request.LongTerm.AccessKeyId)} belongs to a session; GetSessionToken needs an IAM user's long-term access key",
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
