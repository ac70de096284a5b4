using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Awsmfa.Tests.Support;

/// <summary>
/// A stand-in for IAM Identity Center, as strict as the service where awsmfa depends on it: the
/// OIDC service's CreateToken (<c>POST /token</c>, refresh token grant: the client's id and
/// secret, and a refresh token that rotates), and the portal's GetRoleCredentials
/// (<c>GET /federation/credentials</c>, the access token as the bearer header; only the roles
/// assigned). Both answer at one URL, as AWS_ENDPOINT_URL_SSO and _SSO_OIDC point them.
/// </summary>
internal sealed class FakeIdentityCenter : LoopbackStandIn
{
    public const string ClientId = "sso-client-id";
    public const string ClientSecret = "sso-client-secret";

    private readonly object _lock = new();
    private int _issued;
    private readonly ConcurrentDictionary<string, (string Client, string Redirect, string Challenge)> _codes = new();
    private int _pendingPolls;

    /// <summary>The access token the portal takes now.</summary>
    public string AccessToken { get; set; } = "sso-access-0";

    public string RefreshToken { get; set; } = "sso-refresh-0";

    /// <summary>The account and role the user is assigned.</summary>
    public (string Account, string Role) Assigned { get; set; } = ("123456789012", "Admin");

    public int Refreshes { get; private set; }

    public int RoleRequests { get; private set; }

    /// <summary>Clients registered by a sign-in (RegisterClient).</summary>
    public List<JsonObject> Registrations { get; } = [];

    /// <summary>Registered clients the service no longer takes (revoked, or another tool's that ran out).</summary>
    public HashSet<string> Revoked { get; } = [];

    /// <summary>Sign-ins in the browser (<c>/authorize</c> answered with a code).</summary>
    public int Authorizations { get; private set; }

    /// <summary>Every request to <c>/authorize</c>, answered or refused.</summary>
    public int AuthorizeRequests { get; private set; }

    /// <summary>When set, <c>/authorize</c> sends the browser back with this OAuth error (access_denied: the person said no).</summary>
    public string? RedirectError { get; set; }

    /// <summary>The seconds a new access token lasts (CreateToken's expiresIn).</summary>
    public int TokenLifetime { get; set; } = 28800;

    /// <summary>Polls of a device code answered "authorization_pending" before the person confirms.</summary>
    public int PendingPolls { get; set; } = 1;

    public int Logouts { get; private set; }

    public ConcurrentQueue<string> Refused { get; } = new();

    /// <summary>Writes <see cref="TokenFile"/> at <paramref name="path"/>, the user's alone, as the AWS CLI leaves it.</summary>
    public void WriteTokenFile(string path, string startUrl, DateTimeOffset expiresAt, bool refreshable = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, TokenFile(startUrl, expiresAt, refreshable));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>A token file as the AWS CLI writes it for an sso_session.</summary>
    public string TokenFile(string startUrl, DateTimeOffset expiresAt, bool refreshable = true)
    {
        var token = new JsonObject
        {
            ["startUrl"] = startUrl,
            ["region"] = "eu-west-1",
            ["accessToken"] = AccessToken,
            ["expiresAt"] = expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (refreshable)
        {
            token["clientId"] = ClientId;
            token["clientSecret"] = ClientSecret;
            token["registrationExpiresAt"] = DateTimeOffset.UtcNow.AddDays(80).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            token["refreshToken"] = RefreshToken;
        }

        return token.ToJsonString();
    }

    protected override void Answer(HttpListenerContext context, string body)
    {
        using var response = context.Response;
        var request = context.Request;

        if (request.Url?.AbsolutePath == "/authorize" && request.HttpMethod == "GET")
        {
            Authorize(request, response);
            return;
        }

        var (status, error, answer) = request.Url?.AbsolutePath switch
        {
            "/client/register" when request.HttpMethod == "POST" => Register(body),
            "/device_authorization" when request.HttpMethod == "POST" => JsonNode.Parse(body) is JsonObject input && IsRegistered(input)
                ? (200, null, new JsonObject
                {
                    ["deviceCode"] = "device-code-1", ["userCode"] = "ABCD-EFGH", ["verificationUri"] = $"{Url}/device",
                    ["verificationUriComplete"] = $"{Url}/device?user_code=ABCD-EFGH", ["expiresIn"] = 600, ["interval"] = 1,
                })
                : (400, "InvalidClientException", new JsonObject { ["error_description"] = "an unknown or revoked client" }),
            "/logout" when request.HttpMethod == "POST" => Logout(request),
            "/assignment/accounts" when request.HttpMethod == "GET" => ListAccounts(request),
            "/assignment/roles" when request.HttpMethod == "GET" => Roles(request),
            "/token" when request.HttpMethod == "POST" => CreateToken(body),
            "/federation/credentials" when request.HttpMethod == "GET" => RoleCredentials(request),
            _ => (404, "ResourceNotFoundException", new JsonObject { ["message"] = $"{request.HttpMethod} {request.Url?.AbsolutePath}" }),
        };
        if (error is not null)
        {
            Refused.Enqueue($"{error}: {answer.ToJsonString()}");
            response.Headers["x-amzn-ErrorType"] = error;
            answer["error"] = error;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.OutputStream.Write(bytes);
    }

    private (int, string?, JsonObject) CreateToken(string body)
    {
        JsonObject? input;
        try
        {
            input = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            input = null;
        }

        var grant = input?["grantType"]?.GetValue<string>();
        if (grant == "authorization_code")
        {
            return Redeem(input!);
        }

        if (grant == "urn:ietf:params:oauth:grant-type:device_code")
        {
            if (input!["deviceCode"]?.GetValue<string>() != "device-code-1" || !IsRegistered(input))
            {
                return (400, "InvalidGrantException", new JsonObject { ["error_description"] = "unknown device code or client" });
            }

            return Interlocked.Increment(ref _pendingPolls) <= PendingPolls
                ? (400, "AuthorizationPendingException", new JsonObject { ["error"] = "authorization_pending" })
                : Issue(input["clientId"]!.GetValue<string>());
        }

        lock (_lock)
        {
            if (grant != "refresh_token" || input is null
                || !((input["clientId"]?.GetValue<string>() == ClientId && input["clientSecret"]?.GetValue<string>() == ClientSecret) || IsRegistered(input)))
            {
                return (400, "InvalidClientException", new JsonObject { ["error_description"] = "the refresh grant needs the registered client's id and secret: " + body });
            }

            if (input["refreshToken"]?.GetValue<string>() != RefreshToken)
            {
                return (400, "InvalidGrantException", new JsonObject { ["error_description"] = "a refresh token that was already used" });
            }

            var n = ++_issued;
            Refreshes++;
            (AccessToken, RefreshToken) = ($"sso-access-{n}", $"sso-refresh-{n}");
            return (200, null, new JsonObject { ["accessToken"] = AccessToken, ["tokenType"] = "Bearer", ["expiresIn"] = TokenLifetime, ["refreshToken"] = RefreshToken });
        }
    }

    private (int, string?, JsonObject) Register(string body)
    {
        var input = JsonNode.Parse(body)!.AsObject();
        lock (_lock)
        {
            Registrations.Add(input);
            var n = Registrations.Count;
            return (200, null, new JsonObject
            {
                ["clientId"] = $"registered-client-{n}",
                ["clientSecret"] = $"registered-secret-{n}",
                ["clientIdIssuedAt"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["clientSecretExpiresAt"] = DateTimeOffset.UtcNow.AddDays(90).ToUnixTimeSeconds(),
            });
        }
    }

    /// <summary>A client registered by another tool, as the AWS CLI registers one: for the browser sign-in, or for the device code (scopes only when the session names some).</summary>
    public (string Id, string Secret) RegisterElsewhere(bool forBrowser, string[]? scopes)
    {
        var request = new JsonObject { ["clientName"] = "botocore-client-corp", ["clientType"] = "public" };
        if (forBrowser)
        {
            request["grantTypes"] = new JsonArray("authorization_code", "refresh_token");
            request["redirectUris"] = new JsonArray("http://127.0.0.1/oauth/callback");
        }

        if (scopes is not null)
        {
            request["scopes"] = new JsonArray([.. scopes.Select(x => (JsonNode)x)]);
        }

        var answer = Register(request.ToJsonString()).Item3;
        return (answer["clientId"]!.GetValue<string>(), answer["clientSecret"]!.GetValue<string>());
    }

    private bool IsRegistered(JsonObject input)
    {
        lock (_lock)
        {
            var id = input["clientId"]?.GetValue<string>() ?? "";
            var n = Registrations.Count;
            return !Revoked.Contains(id) && Enumerable.Range(1, n).Any(i => id == $"registered-client-{i}" && input["clientSecret"]?.GetValue<string>() == $"registered-secret-{i}");
        }
    }

    /// <summary>RFC 8252 §7.3: a registered loopback redirect without a port matches the same redirect on any port.</summary>
    private static bool Matches(string registered, string redirect) =>
        registered == redirect
        || (Uri.TryCreate(registered, UriKind.Absolute, out var r) && Uri.TryCreate(redirect, UriKind.Absolute, out var u)
            && r.IsLoopback && r.IsDefaultPort && r.Scheme == "http" && u.Scheme == "http" && r.Host == u.Host && r.AbsolutePath == u.AbsolutePath && string.IsNullOrEmpty(u.Query));

    /// <summary>The browser's sign-in, done at once: a registered client, a loopback redirect it registered, an S256 challenge.</summary>
    private void Authorize(HttpListenerRequest request, HttpListenerResponse response)
    {
        var query = request.QueryString;
        var client = query["client_id"] ?? "";
        var redirect = query["redirect_uri"] ?? "";
        bool registeredRedirect;
        lock (_lock)
        {
            registeredRedirect = Registrations.Any(r => r["redirectUris"]?.AsArray().Any(u => Matches(u!.GetValue<string>(), redirect)) == true);
        }

        lock (_lock)
        {
            AuthorizeRequests++;
        }

        if (RedirectError is { } error && registeredRedirect && query["state"] is { Length: > 0 } refusedState)
        {
            // An OAuth error that goes back to the client's redirect (RFC 6749 §4.1.2.1).
            response.StatusCode = 302;
            response.RedirectLocation = $"{redirect}?error={error}&state={Uri.EscapeDataString(refusedState)}";
            return;
        }

        // An unknown or revoked client is never redirected to (RFC 6749 §4.1.2.1): the browser shows the error.
        if (query["response_type"] != "code" || !client.StartsWith("registered-client-", StringComparison.Ordinal) || Revoked.Contains(client) || !registeredRedirect
            || query["code_challenge_method"] != "S256" || query["code_challenge"] is not { Length: 43 } challenge || query["state"] is not { Length: > 0 } state)
        {
            Refused.Enqueue("authorize: " + request.Url);
            response.StatusCode = 400;
            return;
        }

        var code = "sso-code-" + Guid.NewGuid().ToString("N");
        _codes[code] = (client, redirect, challenge);
        lock (_lock)
        {
            Authorizations++;
        }

        response.StatusCode = 302;
        response.RedirectLocation = $"{redirect}?code={code}&state={Uri.EscapeDataString(state)}";
    }

    private (int, string?, JsonObject) Redeem(JsonObject input)
    {
        var code = input["code"]?.GetValue<string>() ?? "";
        if (!_codes.TryRemove(code, out var issued) || !IsRegistered(input))
        {
            return (400, "InvalidGrantException", new JsonObject { ["error_description"] = "an unknown or used code, or an unregistered client" });
        }

        var verifier = input["codeVerifier"]?.GetValue<string>() ?? "";
        var hashed = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (hashed != issued.Challenge || input["redirectUri"]?.GetValue<string>() != issued.Redirect || input["clientId"]?.GetValue<string>() != issued.Client)
        {
            return (400, "InvalidGrantException", new JsonObject { ["error_description"] = "the verifier, redirect or client differ from the authorization's (PKCE)" });
        }

        return Issue(issued.Client);
    }

    /// <summary>A new access and refresh token (a sign-in).</summary>
    /// <remarks>As the service: a refresh token only for a client registered with sso:account:access.</remarks>
    private (int, string?, JsonObject) Issue(string client)
    {
        lock (_lock)
        {
            var n = ++_issued;
            var registered = Registrations[int.Parse(client["registered-client-".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1];
            var refreshes = registered["scopes"]?.AsArray().Any(x => x?.GetValue<string>() == "sso:account:access") == true;
            (AccessToken, RefreshToken) = ($"sso-access-{n}", refreshes ? $"sso-refresh-{n}" : "none");
            var answer = new JsonObject { ["accessToken"] = AccessToken, ["tokenType"] = "Bearer", ["expiresIn"] = TokenLifetime };
            if (refreshes)
            {
                answer["refreshToken"] = RefreshToken;
            }

            return (200, null, answer);
        }
    }

    private (int, string?, JsonObject) Logout(HttpListenerRequest request)
    {
        lock (_lock)
        {
            if (request.Headers["x-amz-sso_bearer_token"] != AccessToken)
            {
                return (401, "UnauthorizedException", new JsonObject { ["message"] = "Session token not found or invalid" });
            }

            Logouts++;
            AccessToken = "logged-out";
            return (200, null, []);
        }
    }

    /// <summary>The accounts and roles the user may use, by account id, with the account's name.</summary>
    public Dictionary<string, (string Name, string[] Roles)> AccountsAndRoles { get; } = new()
    {
        ["111111111111"] = ("Prod Account", ["Admin", "ReadOnly"]),
        ["222222222222"] = ("dev/sandbox", ["Admin"]),
    };

    /// <summary>ListAccounts, one account a page (so every page must be read).</summary>
    private (int, string?, JsonObject) ListAccounts(HttpListenerRequest request)
    {
        if (request.Headers["x-amz-sso_bearer_token"] != AccessToken)
        {
            return (401, "UnauthorizedException", new JsonObject { ["message"] = "Session token not found or invalid" });
        }

        var ids = AccountsAndRoles.Keys.Order(StringComparer.Ordinal).ToList();
        var index = int.TryParse(request.QueryString["next_token"], out var n) ? n : 0;
        var id = ids[index];
        var page = new JsonObject
        {
            ["accountList"] = new JsonArray(new JsonObject { ["accountId"] = id, ["accountName"] = AccountsAndRoles[id].Name, ["emailAddress"] = "team@example.com" }),
        };
        if (index + 1 < ids.Count)
        {
            page["nextToken"] = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return (200, null, page);
    }

    private (int, string?, JsonObject) Roles(HttpListenerRequest request)
    {
        if (request.Headers["x-amz-sso_bearer_token"] != AccessToken)
        {
            return (401, "UnauthorizedException", new JsonObject { ["message"] = "Session token not found or invalid" });
        }

        var id = request.QueryString["account_id"] ?? "";
        return AccountsAndRoles.TryGetValue(id, out var account)
            ? (200, null, new JsonObject { ["roleList"] = new JsonArray([.. account.Roles.Select(r => (JsonNode)new JsonObject { ["roleName"] = r, ["accountId"] = id })]) })
            : (403, "ForbiddenException", new JsonObject { ["message"] = "No access" });
    }

    private (int, string?, JsonObject) RoleCredentials(HttpListenerRequest request)
    {
        lock (_lock)
        {
            RoleRequests++;
            if (request.Headers["x-amz-sso_bearer_token"] != AccessToken)
            {
                return (401, "UnauthorizedException", new JsonObject { ["message"] = "Session token not found or invalid" });
            }

            if (request.QueryString["account_id"] != Assigned.Account || request.QueryString["role_name"] != Assigned.Role)
            {
                return (403, "ForbiddenException", new JsonObject { ["message"] = "No access" });
            }

            return (200, null, new JsonObject
            {
                ["roleCredentials"] = new JsonObject
                {
                    ["accessKeyId"] = $"ASIASSOROLE{RoleRequests:D9}",
                    ["secretAccessKey"] = "SsoRoleSecret00000000000000000000000000001",
                    ["sessionToken"] = "SsoRoleSessionToken+/=",
                    ["expiration"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
                },
            });
        }
    }
}
