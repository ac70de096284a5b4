using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>Calls STS GetSessionToken with the long-term keys, the MFA device and a code.</summary>
internal sealed class StsSessionSource(
    IAwsClientFactory clients,
    IProfileStore profiles,
    Reporter reporter)
{
    /// <summary>The session length: --duration, else the profile's duration_seconds, else 1 h; checked before a code is asked for.</summary>
    public int ResolveDuration(SessionRequest request)
    {
        if (request.DurationSeconds is { } requested)
        {
            return requested;
        }

        if (request.SettingsProfile is null || profiles.FindDurationSeconds(request.SettingsProfile) is not { } configured)
        {
            return DurationParser.DefaultSessionSeconds;
        }

        return DurationParser.TryParseSeconds(configured, out var seconds) && DurationParser.IsValidSession(seconds)
            ? seconds
            : throw AwsmfaException.Usage(
                $"duration_seconds in profile '{request.SettingsProfile}' must be {DurationParser.SessionRangeHint}");
    }

    /// <param name="duration">From <see cref="ResolveDuration"/>, checked before the code was asked for.</param>
    public async Task<MfaSession> GetSessionAsync(SessionRequest request, int duration, string code, CancellationToken cancellationToken)
    {

        using var sts = clients.CreateSts(request.LongTerm, request.Target);
        reporter.Detail($"calling STS GetSessionToken for {request.MfaSerial}, {duration} s, with access key {request.LongTerm.AccessKeyId}");
        GetSessionTokenResponse response;
        try
        {
            response = await sts.GetSessionTokenAsync(
                new GetSessionTokenRequest
                {
                    DurationSeconds = duration,
                    SerialNumber = request.MfaSerial,
                    TokenCode = code,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Map(e, request);
        }

        var credentials = response?.Credentials;
        if (credentials is not { AccessKeyId.Length: > 0, SecretAccessKey.Length: > 0, SessionToken.Length: > 0, Expiration: not null })
        {
            throw new AwsmfaException(ExitCodes.AwsError, "STS answered GetSessionToken without complete credentials");
        }

        return new MfaSession(
            request.Profile,
            request.MfaSerial,
            new SessionCredentials(
                credentials.AccessKeyId,
                credentials.SecretAccessKey,
                credentials.SessionToken,
                new DateTimeOffset(DateTime.SpecifyKind(credentials.Expiration.Value.ToUniversalTime(), DateTimeKind.Utc))),
            FromCache: false,
            request.Target);
    }

    private static AwsmfaException Map(Exception e, SessionRequest request)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (message.Contains("invalid MFA one time pass code", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                "STS rejected the MFA code: it is wrong, expired or was already used. Wait for the next code; if that fails too, check the device's clock",
                e);
        }

        if (message.Contains("unable to validate MFA code", StringComparison.OrdinalIgnoreCase)
            || (message.Contains("MultiFactorAuthentication", StringComparison.OrdinalIgnoreCase) && message.Contains("serial", StringComparison.OrdinalIgnoreCase)))
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                $"STS could not check the code against MFA device {request.MfaSerial}: is that the ARN of this user's device? (--serial-number, AWSMFA_SERIAL_NUMBER or mfa_serial)",
                e);
        }

        if (message.Contains("GetSessionToken with session credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.UsageError,
                $"access key {request.LongTerm.AccessKeyId} belongs to a session; GetSessionToken needs an IAM user's long-term access key",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "ValidationError" })
        {
            return new AwsmfaException(ExitCodes.UsageError, $"STS rejected the request as invalid: {message}", e);
        }

        return AwsErrors.Map("STS", e);
    }
}
