using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Awsmfa.Aws;
using Awsmfa.Diagnostics;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// An <c>aws login</c> session (<c>login_session = ARN</c>, as the AWS CLI v2 writes it): the
/// console sign-in did the MFA, with whatever the user has (a passkey, a security key, a TOTP
/// device), and left 15-minute credentials in <c>~/.aws/login/cache/SHA256(ARN).json</c> that are
/// refreshed for up to 12 hours with a DPoP-bound refresh token. botocore's
/// <c>LoginCredentialFetcher</c> is the model: the same file, the same five-minute threshold,
/// the same call.
/// </summary>
internal sealed class LoginSessionKind : IProfileKind
{
    public static readonly LoginSessionKind Instance = new();

    public string Name => "login";

    public IReadOnlyList<StepType> StepTypes { get; } = [LoginSessionStep.Type];

    public bool Matches(ProfileView profile, bool asSource) => profile["login_session"] is not null;

    public string? Source(ProfileView profile) => profile["login_session"];

    public RootSpec Root(ProfileView profile, KindContext context, string call)
    {
        var session = profile["login_session"]!;
        return new LoginSessionRoot(profile.Name, session, LoginToken.PathFor(context.Environment, session));
    }
}

/// <summary>The root of an <c>aws login</c> session: its credentials come from the token file, refreshed by its own step.</summary>
internal sealed record LoginSessionRoot(string Profile, string SessionArn, string TokenFile) : RootSpec(KindName, Profile)
{
    public const string KindName = "login";

    protected override IReadOnlyList<string> OwnKeyParts => [Profile, KindName, SessionArn, TokenFile];

    public override string Description => $"an aws login session ({SessionArn}), its token in {TokenFile}";

    public override bool NeedsNoMfaDevice => true;

    /// <remarks>There is no long-term key to call GetFederationToken with: the console is signed in to with the session's own credentials.</remarks>
    public override bool GivesRoleCredentials => true;

    public override ICredentialRoot Create(CredentialRoots roots, SessionRequest request) =>
        new NoKeysRoot(Identity, $"profile '{Profile}' is an aws login session: it has no keys to sign with; its credentials come from the sign-in session");

    public override ICredentialStep FirstStep(ICredentialRoot root, SessionRequest request, StepServices services, bool passTemporaryOn) =>
        new LoginSessionStep(this, request, services.Clock, services.Reporter, services.Lock);

    public override string? DurationProblem(int seconds) =>
        $"--duration does not apply to profile '{Profile}': an aws login session's credentials last 15 minutes and are refreshed as they run out";

    /// <summary>The token file: there, the user's alone, complete, its key P-256; how long its credentials last.</summary>
    public override IEnumerable<CheckResult> Checks()
    {
        LoginToken token;
        try
        {
            token = LoginToken.Read(TokenFile, Profile);
        }
        catch (AwsmfaException e)
        {
            return [new CheckResult("login session", CheckStatus.Fail, Printable.OneLine(e.Message))];
        }

        var left = token.ExpiresAt - DateTimeOffset.UtcNow;
        return
        [
            new CheckResult("login session", CheckStatus.Ok, $"{TokenFile} is yours alone and holds a refresh token and a P-256 key: the session refreshes itself until the sign-in ends (12 hours at most)"),
            new CheckResult("login session", CheckStatus.Ok, left > TimeSpan.Zero
                ? $"its credentials have {DurationParser.Humanize(left)} left; awsmfa refreshes them with 5 minutes left"
                : $"its credentials expired at {Timestamps.Format(token.ExpiresAt)}; the next command refreshes them"),
        ];
    }
}

/// <summary>
/// The credentials of an <c>aws login</c> session: the file's while more than five minutes are
/// left, otherwise Sign-In's CreateOAuth2Token with the refresh token and a DPoP proof (an
/// unsigned JSON call: the proof and the token are the authentication, as botocore sends it), the
/// answer written back. <see cref="CachedStep"/>'s lock makes parallel runs refresh once.
/// </summary>
internal sealed class LoginSessionStep(
    LoginSessionRoot root, SessionRequest request, TimeProvider clock, Reporter reporter, Func<string, CancellationToken, Task<IDisposable?>> locks) : ICredentialStep
{
    public static readonly StepType Type = new("signin.CreateOAuth2Token", "login", "sign-in session", NeedsMfaSerial: false, LongestSeconds: 3600);

    /// <summary>botocore's refresh threshold.</summary>
    public static readonly TimeSpan RefreshWithin = TimeSpan.FromMinutes(5);

    /// <summary>The file's credentials while more than <see cref="RefreshWithin"/> is left; else null.</summary>
    private MintedCredentials? Fresh(LoginToken token)
    {
        var left = token.ExpiresAt - clock.GetUtcNow();
        if (left <= RefreshWithin)
        {
            return null;
        }

        reporter.Detail($"the aws login session's credentials in {root.TokenFile} have {DurationParser.Humanize(left)} left");
        return new MintedCredentials(token.Credentials, CodeHash: null) { CarriesMfa = false };
    }

    /// <summary>The file as another program left it after refreshing the session, when it holds other credentials with time left; else null.</summary>
    private LoginToken? Rotated(LoginToken sent)
    {
        try
        {
            var now = LoginToken.Read(root.TokenFile, root.Profile);
            return now.RefreshToken != sent.RefreshToken && now.ExpiresAt - clock.GetUtcNow() > RefreshWithin ? now : null;
        }
        catch (AwsmfaException)
        {
            return null;
        }
    }

    public StepIdentity Identity { get; } = new(Type.Name, request.Profile, MfaSerial: null, RoleArn: null, LoginSessionRoot.KindName, request.Root.KeyParts);

    public async Task<MintedCredentials> GetAsync(MintContext context, CancellationToken cancellationToken)
    {
        if (Fresh(LoginToken.Read(root.TokenFile, root.Profile)) is { } ready)
        {
            return ready;
        }

        // One refresh per session file, whichever profile or cache mode asks: its refresh token
        // works once, so a second process must read what the first one wrote.
        using var held = await locks(CacheKeys.For(["signin.refresh", root.TokenFile]), cancellationToken).ConfigureAwait(false);
        var token = LoginToken.Read(root.TokenFile, root.Profile);
        if (Fresh(token) is { } refreshedMeanwhile)
        {
            return refreshedMeanwhile;
        }

        var now = clock.GetUtcNow();

        var endpoint = SignInTokens.Endpoint(request.Target, root.Profile);
        reporter.Detail($"refreshing the aws login session {root.SessionArn} at {endpoint.Authority} (Sign-In CreateOAuth2Token)");
        JsonNode answer;
        try
        {
            answer = await SignInTokens.CreateTokenAsync(
                endpoint,
                [("clientId", token.ClientId), ("refreshToken", token.RefreshToken), ("grantType", "refresh_token")],
                token.Key,
                root.Profile,
                clock,
                request.Target.RequestTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch (AwsmfaException) when (Rotated(token) is { } meanwhile)
        {
            // Another program (the AWS CLI, an awsmfa run with --no-cache) refreshed the session
            // while this one asked: the refresh token sent was used up, and the file holds the new one.
            reporter.Detail("the aws login session was refreshed by another program meanwhile; its credentials serve");
            return new MintedCredentials(meanwhile.Credentials, CodeHash: null) { CarriesMfa = false };
        }

        var (credentials, refreshToken) = SignInTokens.Credentials(answer, now);
        token.Update(credentials, refreshToken);
        token.Write(root.TokenFile);
        return new MintedCredentials(credentials, CodeHash: null) { CarriesMfa = false };
    }
}

/// <summary>
/// An <c>aws login</c> token file, as the AWS CLI writes it: <c>accessToken</c>
/// {<c>accessKeyId</c>, <c>secretAccessKey</c>, <c>sessionToken</c>, <c>accountId</c>,
/// <c>expiresAt</c>}, <c>clientId</c>, <c>refreshToken</c>, <c>dpopKey</c> (a PEM "EC PRIVATE
/// KEY", P-256), and whatever else it holds (<c>tokenType</c>, <c>idToken</c>), kept as it is
/// when the file is written back.
/// </summary>
internal sealed class LoginToken
{
    private const long MaxBytes = 256 * 1024;
    private readonly JsonObject _document;

    private LoginToken(JsonObject document, SessionCredentials credentials, DateTimeOffset expiresAt, string clientId, string refreshToken, ECDsa key)
    {
        _document = document;
        Credentials = credentials;
        ExpiresAt = expiresAt;
        ClientId = clientId;
        RefreshToken = refreshToken;
        Key = key;
    }

    public SessionCredentials Credentials { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public string ClientId { get; }

    public string RefreshToken { get; private set; }

    public ECDsa Key { get; }

    /// <summary>The folder the AWS CLI keeps sessions in (AWS_LOGIN_CACHE_DIRECTORY overrides it), and the session's file: the SHA-256 of its ARN.</summary>
    public static string PathFor(IEnvironment environment, string sessionArn)
    {
        var folder = environment.Get("AWS_LOGIN_CACHE_DIRECTORY") is { Length: > 0 } named
            ? environment.ExpandLikeBotocore(named, OperatingSystem.IsWindows())
            : Path.Combine(environment.HomeDirectory, ".aws", "login", "cache");
        return Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionArn))) + ".json");
    }

    /// <summary>The token, checked: one line naming what is wrong otherwise (exit 2), never a value.</summary>
    public static LoginToken Read(string path, string profile)
    {
        var what = $"the aws login token of profile '{profile}' ({Printable.OneLine(path)})";
        var status = FileStatus.Following(path);
        if (status is null)
        {
            throw AwsmfaException.Usage($"{what} does not exist: sign in with awsmfa login --profile {profile} (or aws login)");
        }

        if (status.Value.IsSomeoneElses || status.Value.OthersCanAccess)
        {
            throw AwsmfaException.Usage($"{what} is {(status.Value.IsSomeoneElses ? "another user's" : "readable by other users")}: it holds a refresh token and its key; awsmfa uses it only when it is yours alone (chmod 600)");
        }

        if (RegularFile.Read(path, MaxBytes, FileShare.ReadWrite) is not { } read)
        {
            throw AwsmfaException.Usage($"{what} is not a regular file of at most 256 KiB");
        }

        JsonObject? document;
        try
        {
            document = JsonNode.Parse(read.Bytes) as JsonObject;
        }
        catch (JsonException)
        {
            document = null;
        }

        if (document is null)
        {
            throw AwsmfaException.Usage($"{what} is not the AWS CLI's JSON");
        }

        var access = document["accessToken"] as JsonObject;
        string? Field(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
        var missing = new (string Name, string? Value)[]
        {
            ("accessToken.accessKeyId", Field(access?["accessKeyId"])),
            ("accessToken.secretAccessKey", Field(access?["secretAccessKey"])),
            ("accessToken.sessionToken", Field(access?["sessionToken"])),
            ("accessToken.expiresAt", Field(access?["expiresAt"])),
            ("clientId", Field(document["clientId"])),
            ("refreshToken", Field(document["refreshToken"])),
            ("dpopKey", Field(document["dpopKey"])),
        }.Where(f => string.IsNullOrEmpty(f.Value)).Select(f => f.Name).ToList();
        if (missing.Count > 0)
        {
            throw AwsmfaException.Usage($"{what} lacks {string.Join(", ", missing)}: sign in again with awsmfa login --profile {profile}");
        }

        if (!DateTimeOffset.TryParse(Field(access!["expiresAt"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiresAt))
        {
            throw AwsmfaException.Usage($"{what} has an accessToken.expiresAt that is no time");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(Field(document["dpopKey"]));
            if (key.ExportParameters(false).Curve.Oid.Value != "1.2.840.10045.3.1.7")
            {
                throw AwsmfaException.Usage($"{what} holds a key that is not on the P-256 curve, which DPoP's ES256 needs: sign in again with awsmfa login --profile {profile}");
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw AwsmfaException.Usage($"{what} holds a dpopKey that is no EC private key in PEM");
        }

        var credentials = new SessionCredentials(Field(access["accessKeyId"])!, Field(access["secretAccessKey"])!, Field(access["sessionToken"])!, expiresAt);
        if (!StsAnswer.HasValidShape(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken))
        {
            key.Dispose();
            throw AwsmfaException.Usage($"{what} holds credentials that are not in the shape AWS issues");
        }

        return new LoginToken(document, credentials, expiresAt, Field(document["clientId"])!, Field(document["refreshToken"])!, key);
    }

    /// <summary>A refresh's answer in place of the old credentials and refresh token; the account id and every other field kept.</summary>
    public void Update(SessionCredentials credentials, string refreshToken)
    {
        var access = (JsonObject)_document["accessToken"]!;
        access["accessKeyId"] = credentials.AccessKeyId;
        access["secretAccessKey"] = credentials.SecretAccessKey;
        access["sessionToken"] = credentials.SessionToken;
        access["expiresAt"] = Timestamps.Format(credentials.Expiration);
        _document["refreshToken"] = refreshToken;
        (Credentials, ExpiresAt, RefreshToken) = (credentials, credentials.Expiration, refreshToken);
    }

    /// <summary>A new session's file (<c>awsmfa login</c>), as <c>aws login</c> writes it; its folder made the user's alone.</summary>
    public static void WriteNew(string path, SessionCredentials credentials, string accountId, string clientId, string refreshToken, string? idToken, string? tokenType, ECDsa key)
    {
        AtomicFile.CreateFolder(Path.GetDirectoryName(path)!);

        var document = new JsonObject
        {
            ["accessToken"] = new JsonObject
            {
                ["accessKeyId"] = credentials.AccessKeyId,
                ["secretAccessKey"] = credentials.SecretAccessKey,
                ["sessionToken"] = credentials.SessionToken,
                ["accountId"] = accountId,
                ["expiresAt"] = Timestamps.Format(credentials.Expiration),
            },
            ["tokenType"] = tokenType ?? "aws_sigv4",
            ["clientId"] = clientId,
            ["refreshToken"] = refreshToken,
            ["idToken"] = idToken,
            ["dpopKey"] = key.ExportECPrivateKeyPem(),
        };
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(document.ToJsonString()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Written back atomically, the user's alone, in the AWS CLI's format.</summary>
    public void Write(string path) =>
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(_document.ToJsonString()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
}

/// <summary>
/// AWS Sign-In's CreateOAuth2Token (<c>POST {endpoint}/v1/token</c>), as botocore calls it: a JSON
/// body, unsigned (AWSSDK.Signin is not served here, and the call is not SigV4-signed: the DPoP
/// proof and the grant are its authentication), refusals mapped as the AWS CLI maps them.
/// </summary>
internal static class SignInTokens
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    /// <summary>--endpoint-url, else AWS_ENDPOINT_URL_SIGNIN / AWS_ENDPOINT_URL / the profile's settings as the SDK resolves them, else the region's sign-in endpoint as botocore's rules compute it.</summary>
    public static Uri Endpoint(AwsTarget target, string profile)
    {
        if (target.EndpointUrl is { } option)
        {
            return option;
        }

        if (SignedRequests.ConfiguredEndpoint("Signin", target.Profile) is { } configured)
        {
            return configured;
        }

        var region = target.Region ?? throw AwsmfaException.Usage(
            $"no region for the aws login session of profile '{profile}': Sign-In is reached in a region; add region = ... to the profile, or pass --region");
        return new Uri(region.StartsWith("cn-", StringComparison.Ordinal) ? $"https://{region}.signin.amazonaws.cn"
            : region.StartsWith("us-gov-", StringComparison.Ordinal) ? $"https://{region}.signin.amazonaws-us-gov.com"
            : $"https://{region}.signin.aws.amazon.com");
    }

    /// <summary>One CreateOAuth2Token with a DPoP proof of <paramref name="key"/>; Sign-In's answer (its <c>tokenOutput</c>).</summary>
    public static async Task<JsonNode> CreateTokenAsync(
        Uri endpoint, IReadOnlyList<(string Name, string Value)> fields, ECDsa key, string profile, TimeProvider clock, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        var url = new Uri(endpoint, "/v1/token");
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(buffer.WrittenSpan.ToArray()) };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        message.Headers.TryAddWithoutValidation("DPoP", DPoP.Proof(key, "POST", url.AbsoluteUri, clock.GetUtcNow()));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        HttpStatusCode status;
        string body;
        try
        {
            using var response = await Http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"could not reach Sign-In at {url.Authority}: {(e is OperationCanceledException ? "no answer within the request timeout (--request-timeout)" : Printable.OneLine(e.Message))}", e);
        }

        JsonNode? answer;
        try
        {
            answer = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            answer = null;
        }

        if ((int)status is < 200 or >= 300)
        {
            throw Refused(status, answer, profile);
        }

        return (answer?["tokenOutput"] as JsonObject) ?? answer ?? throw new AwsmfaException(ExitCodes.AwsError, "Sign-In answered CreateOAuth2Token with something that is not a JSON object");
    }

    /// <summary>The answer's credentials, checked like every STS answer, and its (rotated) refresh token.</summary>
    public static (SessionCredentials Credentials, string RefreshToken) Credentials(JsonNode answer, DateTimeOffset now)
    {
        var expiresIn = answer["expiresIn"]?.GetValueKind() == JsonValueKind.Number ? answer["expiresIn"]!.GetValue<double>() : 0;
        var keys = answer["accessToken"] as JsonObject;
        var credentials = StsAnswer.Check(
            "CreateOAuth2Token",
            Text(keys?["accessKeyId"]),
            Text(keys?["secretAccessKey"]),
            Text(keys?["sessionToken"]),
            expiresIn > 0 ? now.AddSeconds(expiresIn).UtcDateTime : null,
            now,
            (int)Math.Min(expiresIn, 3600));
        var refreshToken = Text(answer["refreshToken"]) ?? throw new AwsmfaException(ExitCodes.AwsError, "Sign-In answered CreateOAuth2Token without a refresh token");
        return (credentials, refreshToken);
    }

    public static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    /// <summary>As the AWS CLI maps Sign-In's refusals: an ended session is the user's to renew, one line.</summary>
    private static AwsmfaException Refused(HttpStatusCode status, JsonNode? answer, string profile)
    {
        var error = Text(answer?["error"]);
        var message = Text(answer?["message"]);
        return error switch
        {
            "TOKEN_EXPIRED" or "USER_CREDENTIALS_CHANGED" => AwsmfaException.Usage(
                $"the sign-in session ended ({error}): run awsmfa login --profile {profile}"),
            "INSUFFICIENT_PERMISSIONS" => new AwsmfaException(
                ExitCodes.AuthenticationRejected, $"the sign-in session may not be refreshed (INSUFFICIENT_PERMISSIONS): the user needs signin:CreateOAuth2Token{(message is null ? "" : ": " + Printable.OneLine(message))}"),
            "AUTHCODE_EXPIRED" => AwsmfaException.Usage($"the sign-in took too long (AUTHCODE_EXPIRED): run awsmfa login --profile {profile} again"),
            _ => new AwsmfaException(
                (int)status is 401 or 403 ? ExitCodes.AuthenticationRejected : ExitCodes.AwsError,
                $"Sign-In refused CreateOAuth2Token: {Printable.OneLine(error ?? $"HTTP {(int)status}")}{(message is null ? "" : ": " + Printable.OneLine(message))}"),
        };
    }
}

/// <summary>
/// A DPoP proof (RFC 9449) as botocore builds it: an ES256 JWT whose header carries the public
/// key (<c>{"typ":"dpop+jwt","alg":"ES256","jwk":{…}}</c>) and whose payload names the request
/// (<c>htm</c>, <c>htu</c>, <c>iat</c>, a fresh <c>jti</c>), signed as the 64-byte r‖s pair.
/// </summary>
internal static class DPoP
{
    public static string Proof(ECDsa key, string method, string url, DateTimeOffset now)
    {
        var point = key.ExportParameters(false).Q;
        var header = Json(json =>
        {
            json.WriteString("typ", "dpop+jwt");
            json.WriteString("alg", "ES256");
            json.WriteStartObject("jwk");
            json.WriteString("kty", "EC");
            json.WriteString("x", Base64Url.EncodeToString(point.X!));
            json.WriteString("y", Base64Url.EncodeToString(point.Y!));
            json.WriteString("crv", "P-256");
            json.WriteEndObject();
        });
        var payload = Json(json =>
        {
            json.WriteString("htm", method);
            json.WriteString("htu", url);
            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteString("jti", Guid.NewGuid().ToString());
        });
        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static byte[] Json(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            members(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
