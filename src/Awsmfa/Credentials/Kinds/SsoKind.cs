using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SSO.Model;
using Amazon.SSOOIDC.Model;
using Awsmfa.Aws;
using Awsmfa.Diagnostics;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// An IAM Identity Center profile, as the AWS CLI v2 reads it: <c>sso_session</c> (its
/// <c>[sso-session NAME]</c> gives <c>sso_start_url</c>, <c>sso_region</c>,
/// <c>sso_registration_scopes</c>) or the legacy <c>sso_start_url</c> + <c>sso_region</c>, with
/// <c>sso_account_id</c> and <c>sso_role_name</c>. The MFA happened at the organisation's
/// identity provider; the access token the sign-in left in <c>~/.aws/sso/cache</c> buys the
/// role's credentials from the portal (GetRoleCredentials).
/// </summary>
internal sealed class SsoKind : IProfileKind
{
    public static readonly SsoKind Instance = new();

    public string Name => "sso";

    public IReadOnlyList<StepType> StepTypes { get; } = [SsoRoleStep.Type];

    public bool Matches(ProfileView profile, bool asSource) => profile["sso_session"] is not null || profile["sso_start_url"] is not null;

    public string? Source(ProfileView profile) => profile["sso_session"] ?? profile["sso_start_url"];

    public RootSpec Root(ProfileView profile, KindContext context, string call)
    {
        var session = profile["sso_session"];
        string Required(string key) => profile[key] ?? throw AwsmfaException.Usage(
            session is null
                ? $"profile '{profile.Name}' has sso_start_url but no {key}: a legacy IAM Identity Center profile names sso_start_url, sso_region, sso_account_id and sso_role_name"
                : $"profile '{profile.Name}' (sso_session {session}) has no {key}: add it to the profile{(key is "sso_start_url" or "sso_region" ? $", or to [sso-session {session}]" : "")}");

        var account = Required("sso_account_id");
        if (account.Length != 12 || !account.All(char.IsAsciiDigit))
        {
            throw AwsmfaException.Usage($"sso_account_id in profile '{profile.Name}' is not an account id (12 digits)");
        }

        var startUrl = Required("sso_start_url");
        var region = Required("sso_region");
        if (!InputRules.IsRegion(region))
        {
            throw AwsmfaException.Usage($"sso_region of profile '{profile.Name}' is not valid: {InputRules.RegionHint}");
        }

        return new SsoRoot(profile.Name, session, startUrl, region, account, Required("sso_role_name"), profile["sso_registration_scopes"], SsoToken.PathFor(context.Environment, session ?? startUrl));
    }
}

/// <summary>The root of an Identity Center profile: the role the portal gives for the session's token.</summary>
/// <param name="Session">The sso_session name; null for a legacy profile.</param>
/// <param name="Scopes">sso_registration_scopes as written.</param>
internal sealed record SsoRoot(string Profile, string? Session, string StartUrl, string SsoRegion, string AccountId, string RoleName, string? Scopes, string TokenFile) : RootSpec(KindName, Profile)
{
    public const string KindName = "sso";

    protected override IReadOnlyList<string> OwnKeyParts => [Profile, KindName, StartUrl, Session ?? "", AccountId, RoleName];

    public override string Description => $"IAM Identity Center: role {RoleName} in account {AccountId} through {(Session is null ? StartUrl : $"sso_session {Session}")}";

    public override bool NeedsNoMfaDevice => true;

    public override bool GivesRoleCredentials => true;

    /// <summary>The session to sign in to again; a legacy profile registers with no scopes, as the AWS CLI.</summary>
    public SsoTarget Target => new(Session, StartUrl, SsoRegion, Session is null ? null : SsoTarget.ParseScopes(Scopes), TokenFile, Profile);

    /// <summary>The command that signs in again (aws sso login takes the same arguments).</summary>
    public string LoginCommand => Session is null ? $"awsmfa sso login --profile {Profile}" : $"awsmfa sso login --sso-session {Session}";

    public override ICredentialRoot Create(CredentialRoots roots, SessionRequest request) =>
        new NoKeysRoot(Identity, $"profile '{Profile}' is an IAM Identity Center profile: it has no keys; its role's credentials come from the portal");

    public override ICredentialStep FirstStep(ICredentialRoot root, SessionRequest request, StepServices services, bool passTemporaryOn) =>
        new SsoRoleStep(this, request, services.Clients, services.Clock, services.Reporter, services.Lock, services.SsoSignIn);

    public override string? DurationProblem(int seconds) =>
        $"--duration does not apply to profile '{Profile}': IAM Identity Center sets how long the role's credentials last (the permission set's session duration)";

    public override IEnumerable<CheckResult> Checks()
    {
        var results = new List<CheckResult>();
        if (!StartUrl.StartsWith("https://", StringComparison.Ordinal))
        {
            results.Add(new CheckResult("sso", CheckStatus.Fail, $"sso_start_url {Printable.OneLine(StartUrl)} is not an https URL"));
        }

        if (Target.ConfiguredScopes is { } scopes && !scopes.Contains("sso:account:access"))
        {
            results.Add(new CheckResult("sso", CheckStatus.Warn, $"sso_registration_scopes of sso_session {Session} lack sso:account:access: the token cannot buy role credentials"));
        }

        try
        {
            var token = SsoToken.Read(TokenFile, this);
            var left = token.ExpiresAt - DateTimeOffset.UtcNow;
            results.Add(left > TimeSpan.Zero
                ? new CheckResult("sso", CheckStatus.Ok, $"the IAM Identity Center token has {DurationParser.Humanize(left)} left{(token.CanRefresh(DateTimeOffset.UtcNow) ? "; it refreshes itself until its registration ends" : "")}")
                : token.CanRefresh(DateTimeOffset.UtcNow)
                    ? new CheckResult("sso", CheckStatus.Ok, "the IAM Identity Center token has expired; the next command refreshes it")
                    : new CheckResult("sso", CheckStatus.Fail, $"the IAM Identity Center token expired at {Timestamps.Format(token.ExpiresAt)} and cannot be refreshed: run {LoginCommand}"));
            if (token.RegistrationExpiresAt is { } registration)
            {
                results.Add(new CheckResult("sso", registration > DateTimeOffset.UtcNow ? CheckStatus.Ok : CheckStatus.Warn, $"the client registration {(registration > DateTimeOffset.UtcNow ? "lasts until" : "expired at")} {Timestamps.Format(registration)}"));
            }
        }
        catch (AwsmfaException e)
        {
            results.Add(new CheckResult("sso", CheckStatus.Fail, Printable.OneLine(e.Message)));
        }

        return results;
    }
}

/// <summary>
/// The role's credentials from the portal (GetRoleCredentials, the access token as bearer),
/// checked like an STS answer and cached until they expire: a cache hit reads no token file. A
/// token that runs out within botocore's refresh window is first refreshed with the OIDC
/// service's CreateToken (the refresh token grant), once for all parallel runs, and written back.
/// </summary>
internal sealed class SsoRoleStep(
    SsoRoot root, SessionRequest request, IAwsClientFactory clients, TimeProvider clock, Reporter reporter, Func<string, CancellationToken, Task<IDisposable?>> locks, SsoSignIn? signIn = null) : ICredentialStep
{
    public static readonly StepType Type = new("sso.GetRoleCredentials", "sso", "IAM Identity Center role", NeedsMfaSerial: false, LongestSeconds: 43200);

    /// <summary>botocore's window: a token with less left is refreshed first (when it can be).</summary>
    public static readonly TimeSpan RefreshWithin = TimeSpan.FromMinutes(15);

    public StepIdentity Identity { get; } = new(Type.Name, request.Profile, MfaSerial: null, RoleArn: $"arn:aws:iam::{root.AccountId}:role/{root.RoleName}", SsoRoot.KindName, request.Root.KeyParts);

    public async Task<MintedCredentials> GetAsync(MintContext context, CancellationToken cancellationToken)
    {
        var target = request.Target with { Region = root.SsoRegion };
        var token = Readable();
        if (token is null || token.ExpiresAt - clock.GetUtcNow() <= RefreshWithin)
        {
            // One refresh, or one sign-in, for every process and profile of the session: the
            // others wait here and read what the first one wrote.
            using var held = await locks(CacheKeys.For(["sso.refresh", root.TokenFile]), cancellationToken).ConfigureAwait(false);
            token = Readable();
            if (token is not null && token.ExpiresAt - clock.GetUtcNow() <= RefreshWithin && token.CanRefresh(clock.GetUtcNow()))
            {
                token = await RefreshAsync(token, target, cancellationToken).ConfigureAwait(false);
            }

            if ((token is null || token.ExpiresAt <= clock.GetUtcNow()) && signIn is { MayReachAPerson: true })
            {
                reporter.Info($"the IAM Identity Center session of profile '{root.Profile}' has ended: signing in again in your browser ({SsoSignIn.Variable}=never stops instead)");
                await signIn.SignInAsync(root.Target, target, useDeviceCode: false, noBrowser: false, reporter, cancellationToken).ConfigureAwait(false);
                token = SsoToken.Read(root.TokenFile, root);
            }
        }

        if (token is null)
        {
            token = SsoToken.Read(root.TokenFile, root);
        }

        if (token.ExpiresAt <= clock.GetUtcNow())
        {
            throw AwsmfaException.Usage($"the IAM Identity Center session of profile '{root.Profile}' has expired and cannot be refreshed: run {root.LoginCommand}");
        }

        reporter.Detail($"asking IAM Identity Center for role {root.RoleName} in account {root.AccountId}");
        using var sso = clients.CreateSso(target);
        GetRoleCredentialsResponse? answer;
        try
        {
            answer = await AwsCall.RunAsync(
                target,
                sso,
                attempt => sso.GetRoleCredentialsAsync(new GetRoleCredentialsRequest { AccessToken = token.AccessToken, AccountId = root.AccountId, RoleName = root.RoleName }, attempt),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw e switch
            {
                Amazon.SSO.Model.UnauthorizedException => AwsmfaException.Usage($"IAM Identity Center no longer takes the session's token (UnauthorizedException): run {root.LoginCommand}"),
                Amazon.SSO.Model.ResourceNotFoundException or AmazonServiceException { ErrorCode: "ForbiddenException" } => new AwsmfaException(
                    ExitCodes.AuthenticationRejected, $"IAM Identity Center refused role {root.RoleName} in account {root.AccountId} ({((AmazonServiceException)e).ErrorCode}): the user is not assigned to it"),
                _ => AwsErrors.Map("IAM Identity Center", e),
            };
        }

        var role = answer?.RoleCredentials;
        var now = clock.GetUtcNow();
        var credentials = StsAnswer.Check(
            "GetRoleCredentials",
            role?.AccessKeyId,
            role?.SecretAccessKey,
            role?.SessionToken,
            role?.Expiration is > 0 and long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null,
            now,
            Type.LongestSeconds);
        return new MintedCredentials(credentials, CodeHash: null) { CarriesMfa = false };
    }

    /// <summary>The token, or null when there is none yet (a sign-in may make one); any other problem is its one line.</summary>
    private SsoToken? Readable() => File.Exists(root.TokenFile) ? SsoToken.Read(root.TokenFile, root) : null;

    private async Task<SsoToken> RefreshAsync(SsoToken token, AwsTarget target, CancellationToken cancellationToken)
    {
        reporter.Detail($"refreshing the IAM Identity Center token of {(root.Session is null ? root.StartUrl : $"sso_session {root.Session}")} (CreateToken, refresh_token)");
        using var oidc = clients.CreateSsoOidc(target);
        try
        {
            var answer = await AwsCall.RunAsync(
                target,
                oidc,
                attempt => oidc.CreateTokenAsync(
                    new CreateTokenRequest { ClientId = token.ClientId, ClientSecret = token.ClientSecret, GrantType = "refresh_token", RefreshToken = token.RefreshToken },
                    attempt),
                cancellationToken).ConfigureAwait(false);
            if (answer?.AccessToken is not { Length: > 0 } access || answer.ExpiresIn is not > 0)
            {
                throw new AwsmfaException(ExitCodes.AwsError, "IAM Identity Center answered CreateToken without a token");
            }

            token.Update(access, clock.GetUtcNow().AddSeconds(answer.ExpiresIn.Value), answer.RefreshToken);
            token.Write(root.TokenFile);
            return token;
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            // As botocore: a refresh that fails leaves the token as it was, used while it lasts.
            reporter.Detail($"the token could not be refreshed ({AwsErrors.OneLine(e.Message)})");
            return token;
        }
    }
}

/// <summary>
/// An IAM Identity Center token as the AWS CLI keeps it in <c>~/.aws/sso/cache/SHA1(session name
/// or start URL).json</c>: <c>startUrl</c>, <c>region</c>, <c>accessToken</c>, <c>expiresAt</c>,
/// and for a session <c>clientId</c>, <c>clientSecret</c>, <c>registrationExpiresAt</c>,
/// <c>refreshToken</c>; every field kept when it is written back.
/// </summary>
internal sealed class SsoToken
{
    private const long MaxBytes = 256 * 1024;
    private readonly JsonObject _document;

    private SsoToken(JsonObject document) => _document = document;

    public string AccessToken => Text("accessToken")!;

    public DateTimeOffset ExpiresAt => Time("expiresAt")!.Value;

    public string? ClientId => Text("clientId");

    public string? ClientSecret => Text("clientSecret");

    public string? RefreshToken => Text("refreshToken");

    public DateTimeOffset? RegistrationExpiresAt => Time("registrationExpiresAt");

    /// <summary>A refresh token and a client registration that has not run out.</summary>
    public bool CanRefresh(DateTimeOffset now) =>
        RefreshToken is not null && ClientId is not null && ClientSecret is not null && RegistrationExpiresAt is { } until && until > now;

    /// <remarks>SHA-1 names the file, as the AWS CLI names it; it protects nothing.</remarks>
    public static string PathFor(IEnvironment environment, string key) =>
#pragma warning disable CA5350 // The AWS CLI's file name, not a security use.
        Path.Combine(environment.HomeDirectory, ".aws", "sso", "cache", Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(key))) + ".json");
#pragma warning restore CA5350

    public static SsoToken Read(string path, SsoRoot root)
    {
        var what = $"the IAM Identity Center token of profile '{root.Profile}' ({Printable.OneLine(path)})";
        if (FileStatus.Following(path) is not { } status)
        {
            throw AwsmfaException.Usage($"there is no IAM Identity Center session for profile '{root.Profile}' ({what} does not exist): run {root.LoginCommand}");
        }

        if (status.IsSomeoneElses)
        {
            throw AwsmfaException.Usage($"{what} is another user's: awsmfa does not use it");
        }

        JsonObject? document = null;
        if (RegularFile.Read(path, MaxBytes, FileShare.ReadWrite) is { } read)
        {
            try
            {
                document = JsonNode.Parse(read.Bytes) as JsonObject;
            }
            catch (JsonException)
            {
            }
        }

        var token = document is null ? null : new SsoToken(document);
        if (token?.Text("accessToken") is null || token.Time("expiresAt") is null)
        {
            throw AwsmfaException.Usage($"{what} is not the AWS CLI's token (no accessToken and expiresAt): run {root.LoginCommand}");
        }

        return token;
    }

    public void Update(string accessToken, DateTimeOffset expiresAt, string? refreshToken)
    {
        _document["accessToken"] = accessToken;
        _document["expiresAt"] = Timestamps.Format(expiresAt);
        if (refreshToken is { Length: > 0 })
        {
            _document["refreshToken"] = refreshToken;
        }
    }

    /// <summary>A new sign-in's token, as aws sso login writes it; its folder made the user's alone.</summary>
    public static void WriteNew(string path, string startUrl, string region, string accessToken, DateTimeOffset expiresAt, SsoRegistration? client, string? refreshToken)
    {
        var document = new JsonObject
        {
            ["startUrl"] = startUrl,
            ["region"] = region,
            ["accessToken"] = accessToken,
            ["expiresAt"] = Timestamps.Format(expiresAt),
        };
        if (client is { } registered)
        {
            document["clientId"] = registered.ClientId;
            document["clientSecret"] = registered.ClientSecret;
            document["registrationExpiresAt"] = Timestamps.Format(registered.ExpiresAt);
        }

        if (refreshToken is { Length: > 0 })
        {
            document["refreshToken"] = refreshToken;
        }

        AtomicFile.CreateFolder(Path.GetDirectoryName(path)!);

        new SsoToken(document).Write(path);
    }

    public void Write(string path) =>
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(_document.ToJsonString()), UnixFileMode.UserRead | UnixFileMode.UserWrite);

    private string? Text(string key) => _document[key]?.GetValueKind() == JsonValueKind.String ? _document[key]!.GetValue<string>() : null;

    private DateTimeOffset? Time(string key) =>
        Text(key) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
