using Amazon.SecurityToken.Model;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

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
        RootIdentity.WebIdentity,
        request.Root.KeyParts);

    public async Task<MintedCredentials> GetAsync(CancellationToken cancellationToken)
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
            throw StsFailures.ForWebIdentity(e, web.RoleArn, web.TokenFile);
        }

        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "AssumeRoleWithWebIdentity", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, clock.GetUtcNow(), duration);
        return new MintedCredentials(credentials, CodeHash: null) { CarriesMfa = false };
    }
}
