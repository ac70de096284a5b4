using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// STS AssumeRole for one role profile: signed with the credentials of the step below it (the MFA
/// session, or the previous role), which carry the MFA context, so no code is needed. The first
/// role is assumed straight from the root's credentials with the MFA device and a code when it
/// asks for more than an hour (AWS caps a role assumed with temporary credentials at one hour),
/// when the profile says credential_source = Environment, or when the root (a credential_process)
/// gave temporary credentials, which carry no MFA.
/// </summary>
internal sealed class AssumeRoleStep : ICredentialStep
{
    public const int MaxChainedSeconds = 3600;
    public const int MinRoleSeconds = 900;
    public const int MaxRoleSeconds = 43_200;

    public static readonly StepType Type = new("sts.AssumeRole", "role", "role", NeedsMfaSerial: false, MaxRoleSeconds);

    private readonly RoleHop _hop;
    private readonly bool _first;
    private readonly SessionRequest _request;
    private readonly ICredentialRoot _root;
    private readonly Func<CancellationToken, Task<ServedCredentials>> _source;
    private readonly IAwsClientFactory _clients;
    private readonly IProfileStore _profiles;
    private readonly MfaCodeSource _codes;
    private readonly TimeProvider _clock;
    private readonly Reporter _reporter;

    /// <param name="below">The roles assumed before this one (none for the first).</param>
    /// <param name="root">The chain's root, for a first role assumed straight from it.</param>
    /// <param name="source">The credentials below (the MFA session, or the previous role) to sign with.</param>
    public AssumeRoleStep(
        RoleHop hop,
        IReadOnlyList<RoleHop> below,
        SessionRequest request,
        ICredentialRoot root,
        Func<CancellationToken, Task<ServedCredentials>> source,
        IAwsClientFactory clients,
        IProfileStore profiles,
        MfaCodeSource codes,
        TimeProvider clock,
        Reporter reporter)
    {
        _hop = hop;
        _first = below.Count == 0;
        _request = request;
        _root = root;
        _source = source;
        _clients = clients;
        _profiles = profiles;
        _codes = codes;
        _clock = clock;
        _reporter = reporter;
        // One entry per role whichever way it was assumed: credentials for the role are as good
        // minted from the MFA session as straight from the keys.
        Identity = new StepIdentity(
            Type.Name,
            hop.Profile,
            request.MfaSerial,
            hop.RoleArn,
            root.Identity.Kind,
            [.. root.Identity.KeyParts, request.MfaSerial ?? "", .. below.Concat([hop]).SelectMany(h => new[] { h.RoleArn, h.ExternalId ?? "", h.SessionName })]);
    }

    public StepIdentity Identity { get; }

    /// <summary>
    /// The role session's length: --duration on the last hop, else the profile's duration_seconds,
    /// else 1 h; read only when credentials are minted, so a cached answer reads no more files.
    /// </summary>
    private int Duration()
    {
        var duration = _hop.DurationOption is { } option ? Checked(option)
            : !_hop.FromProfile || _profiles.FindSetting(_hop.Profile, "duration_seconds") is not { } configured ? MaxChainedSeconds
            : DurationParser.TryParseSeconds(configured, out var seconds) ? Checked(seconds)
            : throw OutOfRange();
        if (!_first && duration > MaxChainedSeconds)
        {
            throw AwsmfaException.Usage(
                $"role profile '{_hop.Profile}' asks for {DurationParser.Humanize(TimeSpan.FromSeconds(duration))}, but a role assumed with another role's credentials lasts at most 1h (AWS's role-chaining limit); ask for 1h or less");
        }

        return duration;
    }

    private int Checked(int seconds) => seconds is >= MinRoleSeconds and <= MaxRoleSeconds ? seconds : throw OutOfRange();

    private AwsmfaException OutOfRange() =>
        AwsmfaException.Usage($"the session length of role profile '{_hop.Profile}' (duration_seconds or --duration) must be from 900 (15m) to 43200 (12h) seconds");

    public async Task<MintedCredentials> GetAsync(MintContext context, CancellationToken cancellationToken)
    {
        var duration = Duration();
        var request = new AssumeRoleRequest
        {
            RoleArn = _hop.RoleArn,
            RoleSessionName = _hop.SessionName,
            ExternalId = _hop.ExternalId,
            DurationSeconds = duration,
        };

        Amazon.SecurityToken.IAmazonSecurityTokenService sts;
        bool withCode;
        if (_first && (_request.FirstRoleFromRoot || duration > MaxChainedSeconds))
        {
            if (duration > MaxChainedSeconds)
            {
                // The MFA session, cached or not, cannot serve it: the user should hear why a code is asked for.
                _reporter.Info($"{(_hop.FromProfile ? $"role profile '{_hop.Profile}'" : $"--role-arn {_hop.RoleArn}")} asks for {DurationParser.Humanize(TimeSpan.FromSeconds(duration))}, longer than the 1h a chained role may last: a code is needed to assume it straight from the long-term key");
            }

            if (_request.MfaSerial is { } given)
            {
                _codes.RefuseSpentGivenCode(CodeContext.For(_request, context), given);
            }

            var keys = await _root.GetAsync(cancellationToken).ConfigureAwait(false);
            if (duration > MaxChainedSeconds && !keys.IsLongTerm)
            {
                throw AwsmfaException.Usage(
                    $"role profile '{_hop.Profile}' asks for more than 1h, but the {_root.Identity.Kind} credentials it is assumed from are temporary, and AWS caps such a role at 1h; ask for 1h or less");
            }

            _reporter.Detail($"assuming {_hop.RoleArn} straight from the {_root.Identity.Kind} key {KeyIds.Mask(keys.AccessKeyId)}, {duration} s");
            sts = keys.IsLongTerm ? _clients.CreateSts(keys.LongTerm, _request.Target) : _clients.CreateSts(keys.Session, _request.Target);
            withCode = true;
        }
        else
        {
            var signer = await _source(cancellationToken).ConfigureAwait(false);
            _reporter.Detail($"assuming {_hop.RoleArn} for profile '{_hop.Profile}' with the credentials of '{signer.Identity.Profile}' ({signer.Identity.Type}), {duration} s");
            sts = _clients.CreateSts(signer.Credentials, _request.Target);
            // A credential_process's temporary credentials carry no MFA: the role gets the device and a code.
            withCode = !signer.CarriesMfa;
        }

        using (sts)
        {
            if (!withCode || _request.MfaSerial is not { } serial)
            {
                return Minted(await CallAsync(sts, request, cancellationToken).ConfigureAwait(false), duration, codeHash: null, carriesMfa: !withCode);
            }

            var (response, codeHash) = await _codes.SpendAsync(CodeContext.For(_request, context), serial, (code, token) =>
            {
                request.SerialNumber = serial;
                request.TokenCode = code;
                return CallAsync(sts, request, token);
            }, cancellationToken).ConfigureAwait(false);
            return Minted(response, duration, codeHash, carriesMfa: true);
        }
    }

    private MintedCredentials Minted(AssumeRoleResponse? response, int duration, string? codeHash, bool carriesMfa)
    {
        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "AssumeRole", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, _clock.GetUtcNow(), duration);
        return new MintedCredentials(credentials, codeHash) { CarriesMfa = carriesMfa };
    }

    private async Task<AssumeRoleResponse?> CallAsync(Amazon.SecurityToken.IAmazonSecurityTokenService sts, AssumeRoleRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await AwsCall.RunAsync(_request.Target, sts, token => sts.AssumeRoleAsync(request, token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StsFailures.ForAssumeRole(e, _hop.RoleArn, _request.MfaSerial, _request.Profile);
        }
    }
}
