using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// STS AssumeRole for one role profile: signed with the credentials of the step below it (the MFA
/// session, or the previous role), which carry the MFA context, so no code is needed; or, for a
/// first role asked for more than an hour, straight from the root's long-term keys with the MFA
/// device and a code (AWS caps a role assumed with temporary credentials at one hour).
/// </summary>
internal sealed class AssumeRoleStep : ICredentialStep
{
    public const int MaxChainedSeconds = 3600;
    public const int MinRoleSeconds = 900;
    public const int MaxRoleSeconds = 43_200;

    private readonly RoleHop _hop;
    private readonly SessionRequest _request;
    private readonly Func<CancellationToken, Task<ServedCredentials>>? _source;
    private readonly IAwsClientFactory _clients;
    private readonly MfaCodeSource _codes;
    private readonly TimeProvider _clock;
    private readonly Reporter _reporter;
    private readonly int _duration;

    /// <param name="source">The credentials to sign with; null to use the root's long-term keys and an MFA code.</param>
    public AssumeRoleStep(
        RoleHop hop,
        IReadOnlyList<RoleHop> below,
        int duration,
        SessionRequest request,
        Func<CancellationToken, Task<ServedCredentials>>? source,
        IAwsClientFactory clients,
        MfaCodeSource codes,
        TimeProvider clock,
        Reporter reporter)
    {
        _hop = hop;
        _request = request;
        _source = source;
        _clients = clients;
        _codes = codes;
        _clock = clock;
        _reporter = reporter;
        _duration = duration;
        Identity = new StepIdentity(
            source is null ? StepIdentity.AssumeRoleWithMfaType : StepIdentity.AssumeRoleType,
            hop.Profile,
            request.MfaSerial,
            hop.RoleArn,
            [request.Profile, request.LongTerm.AccessKeyId, request.MfaSerial, .. below.Concat([hop]).SelectMany(h => new[] { h.RoleArn, h.ExternalId ?? "", h.SessionName })]);
    }

    public StepIdentity Identity { get; }

    /// <summary>The role session's length: the hop's duration_seconds (or --duration on the last), else 1 h; checked before any call.</summary>
    public static int DurationOf(RoleHop hop)
    {
        if (hop.DurationSeconds is null)
        {
            return MaxChainedSeconds;
        }

        return DurationParser.TryParseSeconds(hop.DurationSeconds, out var seconds) && seconds is >= MinRoleSeconds and <= MaxRoleSeconds
            ? seconds
            : throw AwsmfaException.Usage($"the session length of role profile '{hop.Profile}' (duration_seconds or --duration) must be from 900 (15m) to 43200 (12h) seconds");
    }

    public void Validate()
    {
        if (_source is not null && _duration > MaxChainedSeconds)
        {
            throw AwsmfaException.Usage(
                $"role profile '{_hop.Profile}' asks for {DurationParser.Humanize(TimeSpan.FromSeconds(_duration))}, but a role assumed with another role's credentials lasts at most 1h (AWS's role-chaining limit); ask for 1h or less");
        }
    }

    public async Task<MintedCredentials?> MintAsync(string? cachedCodeHash, CancellationToken cancellationToken)
    {
        Validate();
        var request = new AssumeRoleRequest
        {
            RoleArn = _hop.RoleArn,
            RoleSessionName = _hop.SessionName,
            ExternalId = _hop.ExternalId,
            DurationSeconds = _duration,
        };
        string? codeHash = null;
        Amazon.SecurityToken.IAmazonSecurityTokenService sts;
        if (_source is null)
        {
            var code = await _codes.GetCodeAsync(_request.TokenCode, _request.MfaSerial, cancellationToken).ConfigureAwait(false);
            codeHash = SessionCache.CodeHashFor(code, _request.MfaSerial);
            if (codeHash == cachedCodeHash)
            {
                return null;
            }

            request.SerialNumber = _request.MfaSerial;
            request.TokenCode = code;
            _reporter.Detail($"role profile '{_hop.Profile}' asks for more than 1h: assuming {_hop.RoleArn} straight from the long-term key {KeyIds.Mask(_request.LongTerm.AccessKeyId)} with an MFA code, {_duration} s");
            sts = _clients.CreateSts(_request.LongTerm, _request.Target);
        }
        else
        {
            var signer = await _source(cancellationToken).ConfigureAwait(false);
            _reporter.Detail($"assuming {_hop.RoleArn} for profile '{_hop.Profile}' with the credentials of '{signer.Identity.Profile}' ({signer.Identity.Type}), {_duration} s");
            sts = _clients.CreateSts(signer.Credentials, _request.Target);
        }

        AssumeRoleResponse response;
        using (sts)
        {
            try
            {
                response = await AwsCall.RunAsync(
                    _request.Target,
                    token => sts.AssumeRoleAsync(request, token),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Map(e);
            }
        }

        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "AssumeRole", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, _clock.GetUtcNow(), _duration);
        return new MintedCredentials(credentials, codeHash);
    }

    private AwsmfaException Map(Exception e)
    {
        var message = e is AmazonServiceException service ? AwsErrors.OneLine(service.Message) : string.Empty;
        if (message.Contains("invalid MFA one time pass code", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                "STS rejected the MFA code: it is wrong, expired or was already used. Wait for the next code; if that fails too, check the device's clock",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "AccessDenied" })
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                $"STS refused to let you assume {_hop.RoleArn} (AccessDenied): the role's trust policy does not allow this user, or requires MFA or an external id that was not given; the MFA session stays cached",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "ValidationError" } && message.Contains("chaining", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsmfaException(
                ExitCodes.UsageError,
                $"STS refused the session length of {_hop.RoleArn}: a role assumed with another role's credentials lasts at most 1h (role chaining); ask for 1h or less",
                e);
        }

        if (e is AmazonServiceException { ErrorCode: "ValidationError" })
        {
            return new AwsmfaException(ExitCodes.UsageError, $"STS rejected the AssumeRole request for {_hop.RoleArn} as invalid: {message}", e);
        }

        if (e is AmazonServiceException { ErrorCode: "InvalidClientTokenId" })
        {
            return new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                $"STS rejected the credentials used to assume {_hop.RoleArn} (InvalidClientTokenId); run again with --refresh",
                e);
        }

        return AwsErrors.Map("STS", e);
    }
}
