using System.Security.Cryptography;
using System.Text;
using System.Web;
using Amazon.SSOOIDC.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Sso;

/// <summary>An IAM Identity Center session as the config file names it: where to sign in, and where its token lives.</summary>
/// <param name="Name">The sso_session; null for a legacy profile (device code only, no refresh token).</param>
internal sealed record SsoTarget(string? Name, string StartUrl, string Region, string[] Scopes, string TokenFile, string? Profile)
{
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
                return new SsoTarget(null, legacyUrl, legacyRegion, [], SsoToken.PathFor(environment, legacyUrl), name);
            }

            profile = name;
        }

        string Required(string key) => profiles.FindSsoSessionSetting(session, key)?.Trim() is { Length: > 0 } value ? value
            : throw AwsmfaException.Usage($"[sso-session {session}] in {profiles.Describe()} has no {key}{(profiles.FindSsoSessionSetting(session, "sso_region") is null && profiles.FindSsoSessionSetting(session, "sso_start_url") is null ? " (is the section there?)" : "")}");
        var scopes = profiles.FindSsoSessionSetting(session, "sso_registration_scopes") is { } text && text.Trim().Length > 0
            ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : ["sso:account:access"];
        var region = Required("sso_region");
        return InputRules.IsRegion(region)
            ? new SsoTarget(session, Required("sso_start_url"), region, scopes, SsoToken.PathFor(environment, session), profile)
            : throw AwsmfaException.Usage($"sso_region of [sso-session {session}] is not valid: {InputRules.RegionHint}");
    }

    public string Describe => Name is null ? StartUrl : $"sso_session {Name}";
}

/// <summary>
/// Runs <c>sso login</c> as the AWS CLI v2 does: RegisterClient (a public client), then either
/// OAuth authorization code with PKCE (the browser on this computer, its redirect to a loopback
/// listener, <c>state</c> checked) or the device code (a code shown here, CreateToken polled at
/// the interval the service gives); the token written where the AWS CLI keeps it.
/// </summary>
internal sealed class SsoLoginHandler(IProfileStore profiles, IEnvironment environment, IAwsClientFactory clients, IBrowser browser, Func<Reporter, SessionCache> caches, TimeProvider clock)
{
    public async Task<int> RunAsync(SsoLoginOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var sso = SsoTarget.Resolve(profiles, environment, options.SsoSession, options.Profile);
        var target = new AwsTarget(sso.Region, options.EndpointUrl, sso.Profile, options.RequestTimeout ?? AwsTarget.DefaultRequestTimeout);
        using var oidc = clients.CreateSsoOidc(target);
        var deviceCode = options.UseDeviceCode || sso.Name is null;
        var (token, registration) = deviceCode
            ? await DeviceCodeAsync(oidc, sso, target, options.NoBrowser, run.Reporter, cancellationToken).ConfigureAwait(false)
            : await AuthorizationCodeAsync(oidc, sso, target, options.NoBrowser, run.Reporter, cancellationToken).ConfigureAwait(false);
        if (token.AccessToken is not { Length: > 0 } access || token.ExpiresIn is not > 0)
        {
            throw new AwsmfaException(ExitCodes.AwsError, "IAM Identity Center answered CreateToken without a token; nothing was written");
        }

        var expires = clock.GetUtcNow().AddSeconds(token.ExpiresIn.Value);
        SsoToken.WriteNew(sso.TokenFile, sso.StartUrl, sso.Region, access, expires, sso.Name is null ? null : registration, sso.Name is null ? null : token.RefreshToken);
        caches(run.Reporter).Remove(entry => entry is not null && entry.Root == SsoRoot.KindName);
        run.Reporter.Info($"signed in to {sso.StartUrl} ({sso.Describe}); the token lasts until {Timestamps.Format(expires)}{(sso.Name is not null && token.RefreshToken is { Length: > 0 } ? " and refreshes itself" : "")}");
        return ExitCodes.Success;
    }

    private static async Task<(string Id, string Secret, DateTimeOffset ExpiresAt)> RegisterAsync(
        Amazon.SSOOIDC.IAmazonSSOOIDC oidc, SsoTarget sso, AwsTarget target, RegisterClientRequest request, CancellationToken cancellationToken)
    {
        request.ClientName = $"awsmfa-{Environment.MachineName}";
        request.ClientType = "public";
        if (sso.Name is not null)
        {
            request.Scopes = [.. sso.Scopes];
        }

        var answer = await Call(() => AwsCall.RunAsync(target, oidc, attempt => oidc.RegisterClientAsync(request, attempt), cancellationToken)).ConfigureAwait(false);
        return answer?.ClientId is { Length: > 0 } id && answer.ClientSecret is { Length: > 0 } secret
            ? (id, secret, answer.ClientSecretExpiresAt is > 0 and long until ? DateTimeOffset.FromUnixTimeSeconds(until) : DateTimeOffset.UtcNow.AddDays(90))
            : throw new AwsmfaException(ExitCodes.AwsError, "IAM Identity Center answered RegisterClient without a client");
    }

    private async Task<(CreateTokenResponse Token, (string Id, string Secret, DateTimeOffset ExpiresAt) Client)> AuthorizationCodeAsync(
        Amazon.SSOOIDC.IAmazonSSOOIDC oidc, SsoTarget sso, AwsTarget target, bool noBrowser, Reporter reporter, CancellationToken cancellationToken)
    {
        using var callback = new LoopbackCallback();
        var client = await RegisterAsync(oidc, sso, target, new RegisterClientRequest
        {
            GrantTypes = ["authorization_code", "refresh_token"],
            RedirectUris = [callback.RedirectUri],
            IssuerUrl = sso.StartUrl,
        }, cancellationToken).ConfigureAwait(false);
        var verifier = DPoP.Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var query = HttpUtility.ParseQueryString("");
        query["response_type"] = "code";
        query["client_id"] = client.Id;
        query["redirect_uri"] = callback.RedirectUri;
        query["state"] = state;
        query["code_challenge_method"] = "S256";
        query["scopes"] = string.Join(' ', sso.Scopes);
        query["code_challenge"] = DPoP.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
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

        var code = await callback.WaitForCodeAsync(state, "awsmfa sso login", cancellationToken).ConfigureAwait(false);
        var token = await Call(() => AwsCall.RunAsync(target, oidc, attempt => oidc.CreateTokenAsync(new CreateTokenRequest
        {
            ClientId = client.Id,
            ClientSecret = client.Secret,
            GrantType = "authorization_code",
            Code = code,
            RedirectUri = callback.RedirectUri,
            CodeVerifier = verifier,
        }, attempt), cancellationToken)).ConfigureAwait(false);
        return (token!, client);
    }

    private async Task<(CreateTokenResponse Token, (string Id, string Secret, DateTimeOffset ExpiresAt) Client)> DeviceCodeAsync(
        Amazon.SSOOIDC.IAmazonSSOOIDC oidc, SsoTarget sso, AwsTarget target, bool noBrowser, Reporter reporter, CancellationToken cancellationToken)
    {
        var client = await RegisterAsync(oidc, sso, target, new RegisterClientRequest(), cancellationToken).ConfigureAwait(false);
        var device = await Call(() => AwsCall.RunAsync(target, oidc, attempt => oidc.StartDeviceAuthorizationAsync(
            new StartDeviceAuthorizationRequest { ClientId = client.Id, ClientSecret = client.Secret, StartUrl = sso.StartUrl }, attempt), cancellationToken)).ConfigureAwait(false);
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
                    ClientId = client.Id,
                    ClientSecret = client.Secret,
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

/// <summary>Runs <c>sso logout</c>: each session's token ended at the portal (its refusal only said), the file removed, the roles awsmfa cached from sso profiles cleared.</summary>
internal sealed class SsoLogoutHandler(IProfileStore profiles, IEnvironment environment, IAwsClientFactory clients, Func<Reporter, SessionCache> caches)
{
    public async Task<int> RunAsync(SsoLogoutOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var targets = options.All
            ? profiles.ListSsoSessions().Select(name => SsoTarget.Resolve(profiles, environment, name, null)).ToList()
            : [SsoTarget.Resolve(profiles, environment, options.SsoSession, null)];
        foreach (var sso in targets)
        {
            if (File.Exists(sso.TokenFile))
            {
                try
                {
                    var token = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(sso.TokenFile))?["accessToken"]?.GetValue<string>();
                    if (token is not null)
                    {
                        using var portal = clients.CreateSso(new AwsTarget(sso.Region, options.EndpointUrl, sso.Profile, AwsTarget.DefaultRequestTimeout));
                        await portal.LogoutAsync(new Amazon.SSO.Model.LogoutRequest { AccessToken = token }, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException || AwsErrors.IsAwsFailure(e))
                {
                    run.Reporter.Warn($"IAM Identity Center's Logout for {sso.Describe} failed ({Printable.OneLine(e.Message)}); the token is removed from this computer anyway");
                }

                File.Delete(sso.TokenFile);
                run.Reporter.Info($"ended the IAM Identity Center sign-in of {sso.Describe} on this computer");
            }
            else
            {
                run.Reporter.Info($"{sso.Describe} had no sign-in on this computer");
            }
        }

        caches(run.Reporter).Remove(entry => entry is not null && entry.Root == SsoRoot.KindName);
        return ExitCodes.Success;
    }
}

/// <summary>
/// Runs <c>sso generate</c>: every account (ListAccounts) and its roles (ListAccountRoles), every
/// page, as <c>sso_session</c> profiles named from the account's name and the role, cleaned to
/// what a profile name may hold and never clashing with another profile; printed, or with
/// --write the missing ones appended to the config file in one atomic write.
/// </summary>
internal sealed class SsoGenerateHandler(IProfileStore profiles, IEnvironment environment, IAwsClientFactory clients, TimeProvider clock)
{
    public async Task<int> RunAsync(SsoGenerateOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        if (options.Region is { } region && !InputRules.IsRegion(region))
        {
            throw AwsmfaException.Usage($"--region is not valid: {InputRules.RegionHint}");
        }

        var sso = SsoTarget.Resolve(profiles, environment, options.SsoSession, null);
        var root = new SsoRoot(options.SsoSession, options.SsoSession, sso.StartUrl, sso.Region, "000000000000", "-", null, sso.TokenFile);
        var token = SsoToken.Read(sso.TokenFile, root);
        if (token.ExpiresAt <= clock.GetUtcNow())
        {
            throw AwsmfaException.Usage($"the IAM Identity Center session {options.SsoSession} has expired: run awsmfa sso login --sso-session {options.SsoSession}");
        }

        var target = new AwsTarget(sso.Region, options.EndpointUrl, null, AwsTarget.DefaultRequestTimeout);
        using var portal = clients.CreateSso(target);
        var accounts = new List<Amazon.SSO.Model.AccountInfo>();
        string? next = null;
        do
        {
            var page = await Call(() => portal.ListAccountsAsync(new Amazon.SSO.Model.ListAccountsRequest { AccessToken = token.AccessToken, NextToken = next }, cancellationToken)).ConfigureAwait(false);
            accounts.AddRange(page.AccountList ?? []);
            next = page.NextToken;
        }
        while (next is { Length: > 0 });

        // What the config file already names: by sso_session, account and role, and every profile name.
        var names = new HashSet<string>(profiles.ListNames(), StringComparer.Ordinal);
        var existing = names.Select(name => (Name: name, Profile: Find(name)))
            .Where(p => p.Profile?["sso_session"] == options.SsoSession)
            .Select(p => (p.Profile!["sso_account_id"], p.Profile["sso_role_name"]))
            .ToHashSet();
        var text = new StringBuilder();
        var added = 0;
        foreach (var account in accounts.Where(a => a.AccountId is { Length: 12 }).OrderBy(a => a.AccountName, StringComparer.Ordinal))
        {
            var roles = new List<string>();
            next = null;
            do
            {
                var page = await Call(() => portal.ListAccountRolesAsync(new Amazon.SSO.Model.ListAccountRolesRequest { AccessToken = token.AccessToken, AccountId = account.AccountId, NextToken = next }, cancellationToken)).ConfigureAwait(false);
                roles.AddRange((page.RoleList ?? []).Select(r => r.RoleName).OfType<string>());
                next = page.NextToken;
            }
            while (next is { Length: > 0 });

            foreach (var role in roles.Order(StringComparer.Ordinal))
            {
                if (existing.Contains((account.AccountId, role)))
                {
                    continue;
                }

                var name = Unique(Clean($"{account.AccountName ?? account.AccountId}-{role}"), names);
                names.Add(name);
                text.Append('\n').Append($"# {Printable.OneLine(account.AccountName ?? "")} ({account.AccountId})\n[profile {name}]\nsso_session = {options.SsoSession}\nsso_account_id = {account.AccountId}\nsso_role_name = {role}\n");
                if (options.Region is { } profileRegion)
                {
                    text.Append($"region = {profileRegion}\n");
                }

                added++;
            }
        }

        if (!options.Write)
        {
            run.Output.Write(text.ToString().TrimStart('\n'));
            run.Reporter.Info(added == 0 ? $"every account and role of {options.SsoSession} has a profile already" : $"{added} profile{(added > 1 ? "s" : "")} for {options.SsoSession}; add them with --write");
            return ExitCodes.Success;
        }

        if (added > 0)
        {
            var config = profiles.Files[1];
            var before = File.Exists(config) ? File.ReadAllBytes(config) : [];
            var separator = before.Length > 0 && before[^1] != (byte)'\n' ? "\n" : "";
            var mode = !OperatingSystem.IsWindows() && File.Exists(config) ? File.GetUnixFileMode(config) : UnixFileMode.UserRead | UnixFileMode.UserWrite;
            AtomicFile.Write(config, [.. before, .. Encoding.UTF8.GetBytes(separator + text)], mode);
        }

        run.Reporter.Info(added == 0 ? $"every account and role of {options.SsoSession} has a profile already; nothing was written" : $"added {added} profile{(added > 1 ? "s" : "")} for {options.SsoSession} to {profiles.Files[1]}");
        return ExitCodes.Success;
    }

    private AwsProfile? Find(string name)
    {
        try
        {
            return profiles.Find(name);
        }
        catch (AwsmfaException)
        {
            return null;
        }
    }

    /// <summary>What a profile name may hold (letters, digits and . _ - @ +), lower case, one dash between words.</summary>
    public static string Clean(string text)
    {
        var cleaned = new StringBuilder();
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '@' or '+' ? c : '-';
            if (keep != '-' || (cleaned.Length > 0 && cleaned[^1] != '-'))
            {
                cleaned.Append(keep);
            }
        }

        var name = cleaned.ToString().Trim('-');
        return name.Length == 0 ? "sso" : name.Length <= 64 ? name : name[..64];
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        if (!taken.Contains(name))
        {
            return name;
        }

        for (var n = 2; ; n++)
        {
            if (!taken.Contains($"{name}-{n}"))
            {
                return $"{name}-{n}";
            }
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Amazon.SSO.Model.UnauthorizedException e)
        {
            throw new AwsmfaException(ExitCodes.UsageError, "IAM Identity Center no longer takes the session's token (UnauthorizedException): run awsmfa sso login", e);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e))
        {
            throw AwsErrors.Map("IAM Identity Center", e);
        }
    }
}
