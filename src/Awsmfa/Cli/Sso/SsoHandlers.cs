using System.Text;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Sso;

/// <summary>Runs <c>sso login</c>: the sign-in of <see cref="SsoSignIn"/>, for the session the profile or --sso-session names.</summary>
internal sealed class SsoLoginHandler(IProfileStore profiles, IEnvironment environment, SsoSignIn signIn, Func<Reporter, SessionCache> caches)
{
    public async Task<int> RunAsync(SsoLoginOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var sso = SsoTarget.Resolve(profiles, environment, options.SsoSession, options.Profile);
        var target = new AwsTarget(sso.Region, options.EndpointUrl, sso.Profile, options.RequestTimeout ?? AwsTarget.DefaultRequestTimeout);
        var (expires, refreshes) = await signIn.SignInAsync(sso, target, options.UseDeviceCode, options.NoBrowser, run.Reporter, cancellationToken).ConfigureAwait(false);
        caches(run.Reporter).Remove(entry => entry is not null && entry.Root == SsoRoot.KindName);
        run.Reporter.Info($"signed in to {sso.StartUrl} ({sso.Describe}); the token lasts until {Timestamps.Format(expires)}{(refreshes ? " and refreshes itself" : "")}");
        return ExitCodes.Success;
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
