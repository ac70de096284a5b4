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
    public static readonly StepType Type = new("sts.GetSessionToken", "session", "MFA session", NeedsMfaSerial: true, DurationParser.MaxSessionSeconds);

    public StepIdentity Identity { get; } = StepIdentity.ForSessionToken(root.Identity, request.MfaSerial ?? "");

    public async Task<MintedCredentials> GetAsync(MintContext context, CancellationToken cancellationToken)
    {
        // The session length is checked before the root is asked (a password manager may prompt).
        var duration = ResolveDuration();
        if (request.MfaSerial is { } given)
        {
            codes.RefuseSpentGivenCode(CodeContext.For(request, context), given);
        }

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
        var (response, codeHash) = await codes.SpendAsync(CodeContext.For(request, context), serial, async (code, token) =>
        {
            reporter.Detail($"calling STS GetSessionToken for {serial}, {duration} s, with access key {KeyIds.Mask(keys.AccessKeyId)} ({root.Identity.Kind})");
            try
            {
                return await AwsCall.RunAsync(
                    request.Target,
                    sts,
                    attempt => sts.GetSessionTokenAsync(
                        new GetSessionTokenRequest { DurationSeconds = duration, SerialNumber = serial, TokenCode = code },
                        attempt),
                    token).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !token.IsCancellationRequested)
            {
                throw StsFailures.ForSessionToken(e, serial, keys.AccessKeyId);
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
}
