using System.Security.Cryptography;
using System.Text;
using System.Web;
using Amazon.SSOOIDC.Model;
using Awsmfa.Aws;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>An IAM Identity Center session as the config file names it: where to sign in, and where its token lives.</summary>
/// <param name="Name">The sso_session; null for a legacy profile (device code only, no refresh token).</param>
/// <param name="ConfiguredScopes">sso_registration_scopes as the AWS CLI parses it; null when the session has none.</param>
internal sealed record SsoTarget(string? Name, string StartUrl, string Region, string[]? ConfiguredScopes, string TokenFile, string? Profile)
{
    /// <summary>The scopes a session registers for: the configured ones, else the one that gives a refresh token.</summary>
    public string[] Scopes => ConfiguredScopes is { Length: > 0 } configured ? configured : ["sso:account:access"];

    /// <summary>The scopes a client is registered with: a session's, none for a legacy profile (device code, no refresh token).</summary>
    public string[] RegisteredScopes => Name is null ? [] : Scopes;

    /// <summary>sso_registration_scopes, comma-separated, as the AWS CLI reads it (empty items dropped); null when absent.</summary>
    public static string[]? ParseScopes(string? text) =>
        text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static SsoTarget Resolve(IProfileStore profiles, IEnvironment environment, string? session, string? profile)
    {
        if (session is null)
        {
            var name = profile ?? environment.Get("AWS_PROFILE")?.Trim() ?? KindContext.DefaultProfile;
            var view = profiles.Find(name) ?? throw AwsmfaException.Usage($"profile '{name}' was not found in {profiles.Describe()}");
            session = profiles.FindSetting(name, "sso_session")?.Trim();
            if (session is null)
            {
                var legacyUrl = view["sso_start_url"] ?? throw AwsmfaException.Usage($"profile '{name}' has no sso_session or sso_start_url: it is no IAM Identity Center profile");
                var legacyRegion = view["sso_region"] ?? throw AwsmfaException.Usage($"profile '{name}' has sso_start_url but no sso_region");
                return new SsoTarget(null, legacyUrl, legacyRegion, null, SsoToken.PathFor(environment, legacyUrl), name);
            }

            profile = name;
        }

        string Required(string key) => profiles.FindSsoSessionSetting(session, key)?.Trim() is { Length: > 0 } value ? value
            : throw AwsmfaException.Usage($"[sso-session {session}] in {profiles.Describe()} has no {key}{(profiles.FindSsoSessionSetting(session, "sso_region") is null && profiles.FindSsoSessionSetting(session, "sso_start_url") is null ? " (is the section there?)" : "")}");
        var scopes = ParseScopes(profiles.FindSsoSessionSetting(session, "sso_registration_scopes"));
        var region = Required("sso_region");
        return InputRules.IsRegion(region)
            ? new SsoTarget(session, Required("sso_start_url"), region, scopes, SsoToken.PathFor(environment, session), profile)
            : throw AwsmfaException.Usage($"sso_region of [sso-session {session}] is not valid: {InputRules.RegionHint}");
    }

    public string Describe => Name is null ? StartUrl : $"sso_session {Name}";
}

/// <summary>
/// An IAM Identity Center sign-in as the AWS CLI v2 does it: RegisterClient (a public client),
/// then OAuth authorization code with PKCE (the browser on this computer, its redirect to a
/// loopback listener, <c>state</c> checked) or the device code (a code shown, CreateToken polled
/// at the interval the service gives); the token written where the AWS CLI keeps it. Used by
/// <c>sso login</c>, and by a command whose session has ended when a person can be reached.
/// </summary>
internal sealed class SsoSignIn(IAwsClientFactory clients, IBrowser browser, IEnvironment environment, TimeProvider clock)
{
    /// <summary><c>never</c>: a command whose session ended stops with the line naming sso login instead of opening a browser.</summary>
    public const string Variable = "AWSMFA_SSO_LOGIN";

    /// <summary>Whether a command may sign in by itself: allowed, and a browser can be opened here ($BROWSER, a desktop session, Windows, macOS).</summary>
    public bool MayReachAPerson =>
        !string.Equals(environment.Get(Variable)?.Trim(), "never", StringComparison.OrdinalIgnoreCase)
        && (environment.Get("BROWSER") is { Length: > 0 } || environment.Get("DISPLAY") is { Length: > 0 } || environment.Get("WAYLAND_DISPLAY") is { Length: > 0 }
            || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS());

    /// <returns>When the new token expires, and whether it refreshes itself.</returns>
    public async Task<(DateTimeOffset ExpiresAt, bool Refreshes)> SignInAsync(SsoTarget sso, AwsTarget target, bool useDeviceCode, bool noBrowser, Reporter reporter, CancellationToken cancellationToken)
    {
        using var oidc = clients.CreateSsoOidc(target);
        var deviceCode = useDeviceCode || sso.Name is null;
        var (token, registration) = deviceCode
            ? await DeviceCodeAsync(oidc, sso, target, noBrowser, reporter, cancellationToken).ConfigureAwait(false)
            : await AuthorizationCodeAsync(oidc, sso, target, noBrowser, reporter, cancellationToken).ConfigureAwait(false);
        if (token.AccessToken is not { Length: > 0 } access || token.ExpiresIn is not > 0)
        {
            throw new AwsmfaException(ExitCodes.AwsError, "IAM Identity Center answered CreateToken without a token; nothing was written");
        }

        var expires = clock.GetUtcNow().AddSeconds(token.ExpiresIn.Value);
        var refreshes = sso.Name is not null && token.RefreshToken is { Length: > 0 };
        SsoToken.WriteNew(sso.TokenFile, sso.StartUrl, sso.Region, access, expires, sso.Name is null ? null : registration, sso.Name is null ? null : token.RefreshToken);
        return (expires, refreshes);
    }

    /// <summary>The client registration the AWS CLI or an earlier sign-in cached for this session and flow, else a new one (RegisterClient), cached.</summary>
    /// <param name="anew">Register even if a client is cached (the cached one was refused).</param>
    private async Task<(SsoRegistration Client, bool Cached)> ClientAsync(
        Amazon.SSOOIDC.IAmazonSSOOIDC oidc, SsoTarget sso, AwsTarget target, bool forAuthorizationCode, CancellationToken cancellationToken, bool anew = false)
    {
        var path = SsoRegistration.PathFor(sso);
        if (!anew && SsoRegistration.Read(path, forAuthorizationCode, sso.RegisteredScopes, clock.GetUtcNow()) is { } cached)
        {
            return (cached, true);
        }

        var request = new RegisterClientRequest { ClientName = $"awsmfa-{Environment.MachineName}", ClientType = "public" };
        string[]? grantTypes = null;
        if (forAuthorizationCode)
        {
            // RFC 8252: a loopback redirect is registered without its port, which each sign-in picks anew.
            grantTypes = ["authorization_code", "refresh_token"];
            request.GrantTypes = [.. grantTypes];
            request.RedirectUris = [LoopbackCallback.RedirectUriWithoutPort];
            request.IssuerUrl = sso.StartUrl;
        }

        if (sso.RegisteredScopes is { Length: > 0 } scopes)
        {
            request.Scopes = [.. scopes];
        }

        var answer = await Call(() => AwsCall.RunAsync(target, oidc, attempt => oidc.RegisterClientAsync(request, attempt), cancellationToken)).ConfigureAwait(false);
        if (answer?.ClientId is not { Length: > 0 } id || answer.ClientSecret is not { Length: > 0 } secret)
        {
            throw new AwsmfaException(ExitCodes.AwsError, "IAM Identity Center answered RegisterClient without a client");
        }

        var expires = answer.ClientSecretExpiresAt is > 0 and long until ? DateTimeOffset.FromUnixTimeSeconds(until) : clock.GetUtcNow().AddDays(90);
        var registration = new SsoRegistration(id, secret, expires, sso.RegisteredScopes, grantTypes);
        registration.Write(path);
        return (registration, false);
    }

    private async Task<(CreateTokenResponse Token, SsoRegistration Client)> AuthorizationCodeAsync(
        Amazon.SSOOIDC.IAmazonSSOOIDC oidc, SsoTarget sso, AwsTarget target, bool noBrowser, Reporter reporter, CancellationToken cancellationToken)
    {
        using var callback = new LoopbackCallback();
        var (client, cached) = await ClientAsync(oidc, sso, target, forAuthorizationCode: true, cancellationToken).ConfigureAwait(false);
        var verifier = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var query = HttpUtility.ParseQueryString("");
        query["response_type"] = "code";
        query["client_id"] = client.ClientId;
        query["redirect_uri"] = callback.RedirectUri;
        query["state"] = state;
        query["code_challenge_method"] = "S256";
        query["scopes"] = string.Join(' ', sso.Scopes);
        query["code_challenge"] = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var oidcEndpoint = target.EndpointUrl ?? SignedRequests.ConfiguredEndpoint("SSO OIDC", target.Profile) ?? new Uri($"https://oidc.{sso.Region}.amazonaws.com");
        var url = new Uri(oidcEndpoint, "/authorize?" + query);
        if (noBrowser || !browser.TryOpen(url))
        {
            reporter.Info($"open this URL in a browser on this computer to sign in: {url}");
        }
        else
        {
            reporter.Info($"signing in to {sso.StartUrl} in your browser (if it did not open: {url})");
        }

        string code;
        try
        {
            code = await callback.WaitForCodeAsync(state, "awsmfa sso login", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsmfaException or OperationCanceledException
            && (callback.Refusal is "invalid_client" or "unauthorized_client" || (cached && callback.Refusal is null)))
        {
            // A client the service does not know never comes back (RFC 6749 §4.1.2.1: the browser
            // shows the error), so a cached one is forgotten when nothing came back either: the
            // next sign-in registers anew instead of failing the same way. A person's "deny" keeps it.
            Forget(client, sso, reporter);
            throw;
        }

        var token = await Call(async () =>
        {
            try
            {
                return await AwsCall.RunAsync(target, oidc, attempt => oidc.CreateTokenAsync(new CreateTokenRequest
                {
                    ClientId = client.ClientId,
                    ClientSecret = client.ClientSecret,
                    GrantType = "authorization_code",
                    Code = code,
                    RedirectUri = callback.RedirectUri,
                    CodeVerifier = verifier,
                }, attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRefusedClient(e))
            {
                Forget(client, sso, reporter);
                throw;
            }
        }).ConfigureAwait(false);
        return (token!, client);
    }

    private static bool IsRefusedClient(Exception e) => e is InvalidClientException or UnauthorizedClientException;

    private static void Forget(SsoRegistration client, SsoTarget sso, Reporter reporter)
    {
        var path = SsoRegistration.PathFor(sso);
        client.Forget(path);
        reporter.Info($"the sign-in used the client registration cached in {Printable.OneLine(path)}; it is forgotten, so the next sign-in registers a new one");
    }

    private async Task<(CreateTokenResponse Token, SsoRegistration Client)> DeviceCodeAsync(
        Amazon.SSOOIDC.IAmazonSSOOIDC oidc, SsoTarget sso, AwsTarget target, bool noBrowser, Reporter reporter, CancellationToken cancellationToken)
    {
        var (client, cached) = await ClientAsync(oidc, sso, target, forAuthorizationCode: false, cancellationToken).ConfigureAwait(false);
        Task<StartDeviceAuthorizationResponse> Start(SsoRegistration registration) => AwsCall.RunAsync(target, oidc, attempt => oidc.StartDeviceAuthorizationAsync(
            new StartDeviceAuthorizationRequest { ClientId = registration.ClientId, ClientSecret = registration.ClientSecret, StartUrl = sso.StartUrl }, attempt), cancellationToken);
        StartDeviceAuthorizationResponse? device;
        try
        {
            device = await Call(() => Start(client)).ConfigureAwait(false);
        }
        catch (AwsmfaException e) when (cached && e.InnerException is { } refusal && IsRefusedClient(refusal))
        {
            // A cached client the service no longer takes (revoked, or registered elsewhere): registered anew, once.
            reporter.Detail("IAM Identity Center no longer takes the cached client registration: registering a new one");
            client.Forget(SsoRegistration.PathFor(sso));
            (client, _) = await ClientAsync(oidc, sso, target, forAuthorizationCode: false, cancellationToken, anew: true).ConfigureAwait(false);
            device = await Call(() => Start(client)).ConfigureAwait(false);
        }

        if (device?.DeviceCode is not { Length: > 0 } deviceCode || device.VerificationUri is not { Length: > 0 } verification)
        {
            throw new AwsmfaException(ExitCodes.AwsError, "IAM Identity Center answered StartDeviceAuthorization without a device code");
        }

        var complete = device.VerificationUriComplete is { Length: > 0 } full && Uri.TryCreate(full, UriKind.Absolute, out var uri) ? uri : null;
        reporter.Info($"to sign in, open {verification} in a browser on any device and confirm the code {device.UserCode}");
        if (!noBrowser && complete is not null)
        {
            browser.TryOpen(complete);
        }

        var interval = TimeSpan.FromSeconds(device.Interval is > 0 ? device.Interval.Value : 5);
        var deadline = clock.GetUtcNow().AddSeconds(device.ExpiresIn is > 0 ? device.ExpiresIn.Value : 600);
        while (true)
        {
            try
            {
                var token = await oidc.CreateTokenAsync(new CreateTokenRequest
                {
                    ClientId = client.ClientId,
                    ClientSecret = client.ClientSecret,
                    GrantType = "urn:ietf:params:oauth:grant-type:device_code",
                    DeviceCode = deviceCode,
                }, cancellationToken).ConfigureAwait(false);
                return (token, client);
            }
            catch (AuthorizationPendingException)
            {
            }
            catch (SlowDownException)
            {
                // RFC 8628: every slow_down adds five seconds to the interval.
                interval += TimeSpan.FromSeconds(5);
            }
            catch (Amazon.SSOOIDC.Model.ExpiredTokenException)
            {
                throw AwsmfaException.Usage("the code was not confirmed in time (expired_token); run awsmfa sso login again");
            }
            catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                throw AwsErrors.Map("IAM Identity Center", e);
            }

            if (clock.GetUtcNow() + interval > deadline)
            {
                throw AwsmfaException.Usage("the code was not confirmed in time; run awsmfa sso login again");
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e))
        {
            throw AwsErrors.Map("IAM Identity Center", e);
        }
    }
}
