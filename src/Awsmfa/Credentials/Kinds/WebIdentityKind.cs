using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;
using Awsmfa.Diagnostics;
using Awsmfa.Output;

namespace Awsmfa.Credentials;

/// <summary>
/// A web identity (GitHub Actions OIDC, EKS IRSA, GitLab CI): a profile's <c>role_arn</c> and
/// <c>web_identity_token_file</c> (<c>role_session_name</c>, <c>duration_seconds</c>), or, when
/// no profile gives credentials, AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE
/// (AWS_ROLE_SESSION_NAME), as botocore reads them. Its root is the role STS gives for the token:
/// no keys, no MFA device; a role profile over it is assumed with that role's credentials.
/// </summary>
internal sealed class WebIdentityKind : IProfileKind
{
    public static readonly WebIdentityKind Instance = new();

    public string Name => "web-identity";

    public IReadOnlyList<StepType> StepTypes { get; } = [WebIdentityStep.Type];

    public bool Matches(ProfileView profile, bool asSource) => profile["web_identity_token_file"] is not null;

    public RootSpec Root(ProfileView profile, KindContext context, string call)
    {
        var roleArn = profile["role_arn"] ?? throw AwsmfaException.Usage(
            $"profile '{profile.Name}' has web_identity_token_file but no role_arn: name the role the token is for");
        int? duration = profile["duration_seconds"] is { } text
            ? DurationParser.TryParseSeconds(text, out var seconds) && seconds is >= AssumeRoleStep.MinRoleSeconds and <= AssumeRoleStep.MaxRoleSeconds
                ? seconds
                : throw AwsmfaException.Usage($"duration_seconds in profile '{profile.Name}' is '{Printable.OneLine(text)}': it must be from 900 (15m) to 43200 (12h) seconds{(text.Contains('#', StringComparison.Ordinal) ? " (a # after a value is part of it: comments go on lines of their own)" : "")}")
            : null;
        return new WebIdentityRoot(profile.Name, new WebIdentity(
            KindContext.Checked(roleArn, InputRules.IsRoleArn, $"role_arn in profile '{profile.Name}'", InputRules.RoleArnHint),
            context.ExpandHome(profile["web_identity_token_file"]!),
            profile["role_session_name"] is { } session ? KindContext.Checked(session, InputRules.IsSessionName, $"role_session_name in profile '{profile.Name}'", InputRules.SessionNameHint) : context.DefaultSessionName(),
            duration));
    }

    /// <remarks>botocore's provider after the environment's keys; AWS_PROFILE may name a profile of settings alone (an IRSA pod's), which then gives the region.</remarks>
    public RootSpec? FromEnvironment(KindContext context, string? settingsProfile)
    {
        var environment = context.Environment;
        if (environment.Get("AWS_ROLE_ARN")?.Trim() is not { Length: > 0 } roleArn
            || environment.Get("AWS_WEB_IDENTITY_TOKEN_FILE")?.Trim() is not { Length: > 0 } tokenFile)
        {
            return null;
        }

        return new WebIdentityRoot(SessionRequestResolver.EnvironmentProfile, new WebIdentity(
            KindContext.Checked(roleArn, InputRules.IsRoleArn, "AWS_ROLE_ARN", InputRules.RoleArnHint),
            tokenFile,
            environment.Get("AWS_ROLE_SESSION_NAME")?.Trim() is { Length: > 0 } session ? KindContext.Checked(session, InputRules.IsSessionName, "AWS_ROLE_SESSION_NAME", InputRules.SessionNameHint) : context.DefaultSessionName(),
            null));
    }
}

/// <summary>The root of a web identity: the role for the token, its own first step.</summary>
internal sealed record WebIdentityRoot(string Profile, WebIdentity Web) : RootSpec(KindName, Profile)
{
    public const string KindName = "web-identity";

    /// <remarks>The token's hash: a role above answers for this token only (another job's token in the same file must not be served a role the first job assumed).</remarks>
    protected override IReadOnlyList<string> OwnKeyParts => [Profile, KindName, Web.RoleArn, Web.TokenFile, Web.SessionName, Web.TokenHash];

    public override string Description => $"web identity: role {Web.RoleArn} for the token in {Web.TokenFile}";

    public override bool NeedsNoMfaDevice => true;

    public override bool GivesRoleCredentials => true;

    public override ICredentialRoot Create(CredentialRoots roots, SessionRequest request) => new NoKeysRoot(
        Identity, $"profile '{Profile}' is a web identity: it has no keys to assume a role with straight (a role over it lasts 1h at most); ask for 1h or less");

    public override ICredentialStep FirstStep(ICredentialRoot root, SessionRequest request, StepServices services, bool passTemporaryOn) =>
        new WebIdentityStep(Web, request, services.Clients, services.Clock, services.Reporter);

    public override string? DurationProblem(int seconds) => seconds is < AssumeRoleStep.MinRoleSeconds or > AssumeRoleStep.MaxRoleSeconds
        ? $"--duration for the web identity's role {Web.RoleArn} must be from 900 (15m) to 43200 (12h) seconds"
        : null;

    /// <summary>The token file: there, readable, not empty, and shaped like the JWT STS takes.</summary>
    public override IEnumerable<CheckResult> Checks()
    {
        string token;
        try
        {
            token = Web.ReadToken();
        }
        catch (AwsmfaException e)
        {
            return [new CheckResult("web identity", CheckStatus.Fail, Printable.OneLine(e.Message))];
        }

        return WebIdentity.LooksLikeJwt(token)
            ? [new CheckResult("web identity", CheckStatus.Ok, $"the token in {Printable.OneLine(Web.TokenFile)} is a JWT ({token.Length} characters; never shown)")]
            : [new CheckResult("web identity", CheckStatus.Fail, $"the token in {Printable.OneLine(Web.TokenFile)} is not a JWT (three base64url parts joined by dots): STS will refuse it")];
    }
}

/// <summary>
/// A role for an OIDC token (GitHub Actions, EKS IRSA, GitLab CI) kept in a file, as botocore
/// reads it: a profile's <c>role_arn</c> and <c>web_identity_token_file</c>
/// (<c>role_session_name</c>, <c>duration_seconds</c>), or AWS_ROLE_ARN and
/// AWS_WEB_IDENTITY_TOKEN_FILE (AWS_ROLE_SESSION_NAME) when no profile is named.
/// </summary>
internal sealed record WebIdentity(string RoleArn, string TokenFile, string SessionName, int? DurationSeconds)
{
    /// <summary>A token is a few KB; anything larger is no token.</summary>
    private const int MaxTokenBytes = 64 * 1024;

    /// <summary>The token, read anew each time (it rotates); one line naming what is wrong otherwise. Never shown.</summary>
    public string ReadToken()
    {
        var status = Platform.FileStatus.Following(TokenFile);
        var what = $"web_identity_token_file {Output.Printable.OneLine(TokenFile)}";
        if (status is null)
        {
            throw AwsmfaException.Usage($"{what} does not exist (the CI job or pod gives it; is the role's token mounted?)");
        }

        if (status.Value.Kind != Platform.FileKind.Regular || status.Value.Size > MaxTokenBytes)
        {
            throw AwsmfaException.Usage($"{what} is not a token file (a regular file of at most 64 KiB)");
        }

        string token;
        try
        {
            token = File.ReadAllText(TokenFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw AwsmfaException.Usage($"{what} cannot be read: {Output.Printable.OneLine(e.Message)}");
        }

        return token.Length > 0 ? token : throw AwsmfaException.Usage($"{what} is empty");
    }

    private string? _tokenHash;

    /// <summary>A hash of the token (read once per run), so that cache entries answer for this token only; never the token.</summary>
    public string TokenHash => _tokenHash ??= CacheKeys.For(["web-identity-token", ReadToken()]);

    /// <summary>Whether the token has a JWT's shape (three base64url parts), for doctor.</summary>
    public static bool LooksLikeJwt(string token) =>
        token.Split('.') is [{ Length: > 0 } header, { Length: > 0 } payload, var signature]
        && new[] { header, payload, signature }.All(part => part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '='));
}

/// <summary>STS AssumeRoleWithWebIdentity: unsigned (the token is the proof), no MFA, cached until it expires.</summary>
internal sealed class WebIdentityStep(WebIdentity web, SessionRequest request, IAwsClientFactory clients, TimeProvider clock, Reporter reporter) : ICredentialStep
{
    public static readonly StepType Type = new("sts.AssumeRoleWithWebIdentity", "web-identity", "web identity role", NeedsMfaSerial: false, AssumeRoleStep.MaxRoleSeconds);

    /// <remarks>A changed token (a new CI job, a rotated pod token) is a new entry: the root's key parts hold the token's hash.</remarks>
    public StepIdentity Identity { get; } = new(
        Type.Name,
        request.Profile,
        MfaSerial: null,
        web.RoleArn,
        WebIdentityRoot.KindName,
        request.Root.KeyParts);

    public async Task<MintedCredentials> GetAsync(MintContext context, CancellationToken cancellationToken)
    {
        var token = web.ReadToken();
        var duration = request.DurationSeconds ?? web.DurationSeconds ?? 3600;
        reporter.Detail($"calling STS AssumeRoleWithWebIdentity for {web.RoleArn} as '{web.SessionName}', {duration} s, with the token in {web.TokenFile}");
        using var sts = clients.CreateAnonymousSts(request.Target);
        AssumeRoleWithWebIdentityResponse? response;
        try
        {
            response = await AwsCall.RunAsync(
                request.Target,
                sts,
                attempt => sts.AssumeRoleWithWebIdentityAsync(
                    new AssumeRoleWithWebIdentityRequest { RoleArn = web.RoleArn, RoleSessionName = web.SessionName, WebIdentityToken = token, DurationSeconds = duration },
                    attempt),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Failure(e, web.RoleArn, web.TokenFile);
        }

        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "AssumeRoleWithWebIdentity", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, clock.GetUtcNow(), duration);
        return new MintedCredentials(credentials, CodeHash: null) { CarriesMfa = false };
    }

    /// <summary>The token and the role's trust are the user's to fix, one line each; nothing is cached.</summary>
    private static AwsmfaException Failure(Exception e, string roleArn, string tokenFile) => e switch
    {
        AmazonServiceException { ErrorCode: "InvalidIdentityToken" } => new AwsmfaException(
            ExitCodes.AuthenticationRejected, $"STS rejected the web identity token in {AwsErrors.OneLine(tokenFile)} (InvalidIdentityToken): its issuer is not an identity provider of the account, or its audience or signature is wrong", e),
        AmazonServiceException { ErrorCode: "ExpiredTokenException" or "ExpiredToken" } => new AwsmfaException(
            ExitCodes.AuthenticationRejected, $"the web identity token in {AwsErrors.OneLine(tokenFile)} has expired (ExpiredTokenException): the CI job or pod must give a fresh one", e),
        AmazonServiceException { ErrorCode: "AccessDenied" } => new AwsmfaException(
            ExitCodes.AuthenticationRejected, $"STS refused to let this web identity assume {roleArn} (AccessDenied): the role's trust policy does not name the identity provider, or its conditions (audience, subject) do not match the token", e),
        AmazonServiceException { ErrorCode: "IDPCommunicationError" or "IDPRejectedClaim" } service => new AwsmfaException(
            ExitCodes.AuthenticationRejected, $"STS could not accept the web identity token for {roleArn} ({service.ErrorCode}): {AwsErrors.OneLine(service.Message)}", e),
        _ => AwsErrors.Map("STS", e),
    };
}
