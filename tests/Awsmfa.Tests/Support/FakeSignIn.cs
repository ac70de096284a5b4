using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Awsmfa.Tests.Support;

/// <summary>
/// A stand-in for AWS Sign-In's CreateOAuth2Token (<c>POST /v1/token</c>) that is as strict as
/// the service: every DPoP proof is verified (an ES256 signature over the JWK in its own header,
/// that JWK the key the session is bound to, <c>htm</c>, <c>htu</c>, a fresh <c>iat</c>, a
/// <c>jti</c> never seen before), and refresh tokens rotate (a used one is refused). What it
/// refused is recorded with why, so a test fails with the reason.
/// </summary>
internal sealed class FakeSignIn : LoopbackStandIn
{
    public const string ClientId = "arn:aws:signin:::devtools/same-device";

    private readonly ConcurrentDictionary<string, byte> _jtis = new();
    private readonly object _lock = new();
    private readonly ConcurrentDictionary<string, (string Client, string Redirect, string Challenge)> _codes = new();
    private int _refreshes;
    private int _issued;

    /// <summary>The public key the session is bound to (the token file's dpopKey): a proof signed by another is refused.</summary>
    public ECParameters? BoundKey { get; set; }

    /// <summary>The refresh token the session holds now; each refresh replaces it.</summary>
    public string RefreshToken { get; set; } = "refresh-0";

    /// <summary>When set, a refresh is refused with this AccessDeniedException error (TOKEN_EXPIRED, INSUFFICIENT_PERMISSIONS).</summary>
    public string? DenyWith { get; set; }

    /// <summary>CreateOAuth2Token calls that refreshed the session.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Every request refused, with why.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    /// <summary>The session <c>awsmfa login</c> signs in to (the ID token's sub).</summary>
    public string Session { get; set; } = "arn:aws:sts::123456789012:assumed-role/alice-console/alice";

    /// <summary>Sign-ins that redeemed an authorization code.</summary>
    public int CodesRedeemed { get; private set; }

    /// <summary>The credentials of the last refresh.</summary>
    public string? LastAccessKeyId { get; private set; }

    /// <summary>A token file as the AWS CLI writes it, for <paramref name="key"/>'s session; the key is bound here.</summary>
    public string TokenFile(string accountId, DateTimeOffset expiresAt, ECDsa key, string accessKeyId = "ASIALOGINEXAMPLE0001")
    {
        BoundKey = key.ExportParameters(false);
        return new JsonObject
        {
            ["accessToken"] = new JsonObject
            {
                ["accessKeyId"] = accessKeyId,
                ["secretAccessKey"] = "LoginSecret0000000000000000000000000000001",
                ["sessionToken"] = "LoginSessionTokenPart1+/=",
                ["accountId"] = accountId,
                ["expiresAt"] = expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
            ["tokenType"] = "aws_sigv4",
            ["clientId"] = ClientId,
            ["refreshToken"] = RefreshToken,
            ["idToken"] = "header.payload.signature",
            ["dpopKey"] = key.ExportECPrivateKeyPem(),
        }.ToJsonString();
    }

    protected override void Answer(HttpListenerContext context, string body)
    {
        using var response = context.Response;

        if (context.Request.HttpMethod == "GET" && context.Request.Url?.AbsolutePath == "/v1/authorize")
        {
            Authorize(context.Request, response);
            return;
        }

        var (status, answer) = Token(context.Request, body);
        var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.OutputStream.Write(bytes);
    }

    /// <summary>
    /// The console sign-in, done at once: the parameters checked as Sign-In checks them, then a
    /// redirect to the loopback callback with the code and state (same device), or a page showing
    /// the base64 verification code (cross device).
    /// </summary>
    private void Authorize(HttpListenerRequest request, HttpListenerResponse response)
    {
        var query = request.QueryString;
        var client = query["client_id"] ?? "";
        var redirect = query["redirect_uri"] ?? "";
        var sameDevice = client == ClientId && redirect.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && redirect.EndsWith("/oauth/callback", StringComparison.Ordinal);
        var crossDevice = client == CrossDeviceClientId && redirect == $"{Url}/v1/sessions/confirmation";
        if (query["response_type"] != "code" || !(sameDevice || crossDevice) || query["code_challenge_method"] != "SHA-256"
            || query["code_challenge"] is not { Length: 43 } challenge || query["state"] is not { Length: > 0 } state || query["scope"] != "openid")
        {
            Refused.Enqueue("authorize: " + request.Url);
            response.StatusCode = 400;
            return;
        }

        var code = "code-" + Guid.NewGuid().ToString("N");
        _codes[code] = (client, redirect, challenge);
        if (sameDevice)
        {
            response.StatusCode = 302;
            response.RedirectLocation = $"{redirect}?code={code}&state={Uri.EscapeDataString(state)}";
            return;
        }

        var verification = Convert.ToBase64String(Encoding.UTF8.GetBytes($"code={code}&state={Uri.EscapeDataString(state)}"));
        var page = Encoding.UTF8.GetBytes($"<html><body>Your verification code: <code id=\"verification\">{verification}</code></body></html>");
        response.ContentType = "text/html";
        response.OutputStream.Write(page);
    }

    public const string CrossDeviceClientId = "arn:aws:signin:::devtools/cross-device";

    private (int Status, JsonObject Answer) Token(HttpListenerRequest request, string body)
    {
        if (request.HttpMethod != "POST" || request.Url?.AbsolutePath != "/v1/token")
        {
            return Refuse(404, "NotFound", $"{request.HttpMethod} {request.Url?.AbsolutePath}");
        }

        if (ProofProblem(request.Headers["DPoP"]) is { } problem)
        {
            return Refuse(400, "INVALID_DPOP_PROOF", problem);
        }

        JsonObject? input;
        try
        {
            input = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            input = null;
        }

        if (input?["grantType"]?.GetValue<string>() == "authorization_code")
        {
            return Redeem(input, request.Headers["DPoP"]!);
        }

        if (input?["grantType"]?.GetValue<string>() != "refresh_token" || input["clientId"]?.GetValue<string>() != ClientId)
        {
            return Refuse(400, "ValidationException", "grantType refresh_token and the session's clientId are required: " + body);
        }

        if (DenyWith is { } denied)
        {
            return Refuse(denied == "INSUFFICIENT_PERMISSIONS" ? 403 : 401, denied, "denied as the test asked");
        }

        lock (_lock)
        {
            if (input["refreshToken"]?.GetValue<string>() != RefreshToken)
            {
                return Refuse(401, "TOKEN_EXPIRED", "a refresh token that was already used, or never issued");
            }

            var n = Interlocked.Increment(ref _issued);
            RefreshToken = $"refresh-{n}";
            LastAccessKeyId = $"ASIALOGINREFRESH{n:D4}";
            Interlocked.Increment(ref _refreshes);
            return (200, new JsonObject
            {
                ["accessToken"] = new JsonObject
                {
                    ["accessKeyId"] = LastAccessKeyId,
                    ["secretAccessKey"] = $"RefreshedSecret{n:D4}00000000000000000000001",
                    ["sessionToken"] = $"RefreshedSessionToken{n}+/=",
                },
                ["tokenType"] = "aws_sigv4",
                ["expiresIn"] = 900,
                ["refreshToken"] = RefreshToken,
            });
        }
    }

    /// <summary>An authorization code, once: its client, redirect and PKCE verifier checked; the session bound to the proof's key.</summary>
    private (int Status, JsonObject Answer) Redeem(JsonObject input, string proof)
    {
        var code = input["code"]?.GetValue<string>() ?? "";
        if (!_codes.TryRemove(code, out var issued))
        {
            return Refuse(401, "AUTHCODE_EXPIRED", "an authorization code that was never issued, or used already");
        }

        var verifier = input["codeVerifier"]?.GetValue<string>() ?? "";
        var hashed = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (hashed != issued.Challenge)
        {
            return Refuse(400, "ValidationException", "the code verifier does not hash to the challenge (PKCE)");
        }

        if (input["clientId"]?.GetValue<string>() != issued.Client || input["redirectUri"]?.GetValue<string>() != issued.Redirect)
        {
            return Refuse(400, "ValidationException", "clientId or redirectUri differ from the authorization's");
        }

        var jwk = JsonNode.Parse(Base64Url(proof.Split('.')[0]))!["jwk"]!;
        BoundKey = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = Base64Url(jwk["x"]!.GetValue<string>()), Y = Base64Url(jwk["y"]!.GetValue<string>()) } };
        lock (_lock)
        {
            CodesRedeemed++;
            var n = Interlocked.Increment(ref _issued);
            RefreshToken = $"refresh-{n}";
            var claims = Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["sub"] = Session, ["aud"] = issued.Client }.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return (200, new JsonObject
            {
                ["accessToken"] = new JsonObject
                {
                    ["accessKeyId"] = $"ASIALOGINSIGNIN{n:D5}",
                    ["secretAccessKey"] = $"SignedInSecret{n:D5}00000000000000000000001",
                    ["sessionToken"] = $"SignedInSessionToken{n}+/=",
                },
                ["tokenType"] = "aws_sigv4",
                ["expiresIn"] = 900,
                ["refreshToken"] = RefreshToken,
                ["idToken"] = $"eyJhbGciOiJFUzI1NiJ9.{claims}.signature",
            });
        }
    }

    /// <summary>Runs when a request is refused, before the answer goes out (another program acting meanwhile).</summary>
    public Action? OnRefused { get; set; }

    private (int, JsonObject) Refuse(int status, string error, string why)
    {
        Refused.Enqueue($"{error}: {why}");
        OnRefused?.Invoke();
        return (status, new JsonObject { ["error"] = error, ["message"] = why });
    }

    /// <summary>What is wrong with a DPoP proof, or null for a good one.</summary>
    private string? ProofProblem(string? proof)
    {
        if (proof?.Split('.') is not [var header64, var payload64, var signature64])
        {
            return "no DPoP header, or not a JWT";
        }

        JsonNode header, payload;
        try
        {
            header = JsonNode.Parse(Base64Url(header64))!;
            payload = JsonNode.Parse(Base64Url(payload64))!;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "the proof's parts are not base64url JSON";
        }

        if (header["typ"]?.GetValue<string>() != "dpop+jwt" || header["alg"]?.GetValue<string>() != "ES256"
            || header["jwk"] is not JsonObject jwk || jwk["kty"]?.GetValue<string>() != "EC" || jwk["crv"]?.GetValue<string>() != "P-256")
        {
            return "the header is not typ dpop+jwt, alg ES256 with an EC P-256 jwk: " + header.ToJsonString();
        }

        var key = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url(jwk["x"]!.GetValue<string>()), Y = Base64Url(jwk["y"]!.GetValue<string>()) },
        };
        using var verifier = ECDsa.Create(key);
        var signature = Base64Url(signature64);
        if (signature.Length != 64 || !verifier.VerifyData(Encoding.ASCII.GetBytes($"{header64}.{payload64}"), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return "the signature does not verify with the header's jwk (ES256, r||s)";
        }

        if (BoundKey is { } bound && (!bound.Q.X!.SequenceEqual(key.Q.X!) || !bound.Q.Y!.SequenceEqual(key.Q.Y!)))
        {
            return "the proof is signed by another key than the session's";
        }

        if (payload["htm"]?.GetValue<string>() != "POST" || payload["htu"]?.GetValue<string>() != $"{Url}/v1/token")
        {
            return "htm and htu do not name this request: " + payload.ToJsonString();
        }

        if (payload["iat"]?.GetValue<long>() is not { } iat || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - iat) > 60)
        {
            return "iat is missing or not within a minute of now";
        }

        if (payload["jti"]?.GetValue<string>() is not { Length: > 0 } jti || !_jtis.TryAdd(jti, 0))
        {
            return "jti is missing or was used before";
        }

        return null;
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
