using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Login;

/// <summary>
/// Runs <c>login</c> as <c>aws login</c> does: a new P-256 key; OAuth 2.0 authorization code with
/// PKCE at Sign-In's <c>/v1/authorize</c> (same device: a loopback listener takes the redirect
/// and checks <c>state</c>; <c>--remote</c>: the person pastes the verification code the other
/// device shows); CreateOAuth2Token for the code, with a DPoP proof of the key; the session ARN
/// from the ID token's <c>sub</c>; then the token file and the profile's <c>login_session</c> and
/// <c>region</c>, written as the AWS CLI writes them.
/// </summary>
internal sealed class LoginHandler(IEnvironment environment, IProfileStore profiles, ITerminal terminal, IBrowser browser, Func<Reporter, SessionCache> caches, TimeProvider clock)
{
    public const string SameDeviceClient = "arn:aws:signin:::devtools/same-device";
    public const string CrossDeviceClient = "arn:aws:signin:::devtools/cross-device";

    public async Task<int> RunAsync(LoginOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var profile = options.Profile ?? environment.Get("AWS_PROFILE")?.Trim() ?? KindContext.DefaultProfile;
        if (!InputRules.IsProfileName(profile))
        {
            throw AwsmfaException.Usage($"--profile is not a valid profile name: {InputRules.ProfileHint}");
        }

        var existing = profiles.Find(profile);
        if (existing is not null && ProfileKinds.Of(new ProfileView(existing, profiles, null)) is var kind && kind is not (LoginSessionKind or SettingsKind))
        {
            throw AwsmfaException.Usage(
                $"profile '{profile}' is of kind {kind.Name}, which comes before login_session: a sign-in session would not be used; sign in to another profile with awsmfa login --profile NAME");
        }

        var region = options.Region ?? existing?.Region ?? environment.Get("AWS_REGION")?.Trim() ?? environment.Get("AWS_DEFAULT_REGION")?.Trim()
            ?? throw AwsmfaException.Usage($"no region to sign in to: pass --region, set AWS_REGION, or add region = ... to profile '{profile}'");
        if (!InputRules.IsRegion(region))
        {
            throw AwsmfaException.Usage($"the region is not valid: {InputRules.RegionHint}");
        }

        var target = new AwsTarget(region, options.EndpointUrl, existing is null ? null : profile, options.RequestTimeout ?? AwsTarget.DefaultRequestTimeout);
        var endpoint = SignInTokens.Endpoint(target, profile);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var verifier = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        var (client, redirect, code) = options.Remote
            ? await RemoteAsync(endpoint, state, challenge, cancellationToken).ConfigureAwait(false)
            : await SameDeviceAsync(endpoint, state, challenge, options.NoBrowser, run.Reporter, cancellationToken).ConfigureAwait(false);

        var answer = await SignInTokens.CreateTokenAsync(
            endpoint,
            [("clientId", client), ("grantType", "authorization_code"), ("code", code), ("codeVerifier", verifier), ("redirectUri", redirect)],
            key,
            profile,
            clock,
            target.RequestTimeout,
            cancellationToken).ConfigureAwait(false);
        var (credentials, refreshToken) = SignInTokens.Credentials(answer, clock.GetUtcNow());
        var idToken = SignInTokens.Text(answer["idToken"]);
        var session = Subject(idToken) is { } sub && sub.StartsWith("arn:", StringComparison.Ordinal) && sub.Length <= 2048 && !sub.Any(char.IsControl) && !sub.Any(char.IsWhiteSpace) ? sub : throw new AwsmfaException(ExitCodes.AwsError, "Sign-In answered without an ID token naming the session (its sub); nothing was written");
        var account = session.Split(':') is [_, _, _, _, var id, ..] && id.Length == 12 && id.All(char.IsAsciiDigit) ? id
            : throw new AwsmfaException(ExitCodes.AwsError, $"Sign-In's session {Printable.OneLine(session)} names no account; nothing was written");

        LoginToken.WriteNew(LoginToken.PathFor(environment, session), credentials, account, client, refreshToken, idToken, SignInTokens.Text(answer["tokenType"]), key);
        var config = profiles.Files[1];
        var section = ProfileSettingEdit.SectionOf(profile);
        ProfileSettingEdit.Set(config, section, "login_session", session);
        if (options.Region is not null || existing?.Region is null)
        {
            ProfileSettingEdit.Set(config, section, AwsProfile.RegionKey, region);
        }
        // What was minted from an earlier session of any profile (roles above included) is minted again from the new one.
        caches(run.Reporter).Remove(entry => entry is not null && entry.Root == LoginSessionRoot.KindName);
        run.Reporter.Info($"signed in as {session}; profile '{profile}' uses the session (login_session in {config}) until it ends, 12 hours at most: awsmfa session get --profile {profile}");
        return ExitCodes.Success;
    }

    private static Uri Authorize(Uri endpoint, string client, string redirect, string state, string challenge)
    {
        var query = HttpUtility.ParseQueryString("");
        query["response_type"] = "code";
        query["client_id"] = client;
        query["redirect_uri"] = redirect;
        query["state"] = state;
        query["code_challenge"] = challenge;
        // As the AWS CLI sends it (Sign-In's name for S256).
        query["code_challenge_method"] = "SHA-256";
        query["scope"] = "openid";
        return new Uri(endpoint, "/v1/authorize?" + query);
    }

    /// <summary>The browser here: a loopback listener on a port of its own takes the redirect, <c>state</c> checked.</summary>
    private async Task<(string Client, string Redirect, string Code)> SameDeviceAsync(Uri endpoint, string state, string challenge, bool noBrowser, Reporter reporter, CancellationToken cancellationToken)
    {
        using var callback = new LoopbackCallback();
        var url = Authorize(endpoint, SameDeviceClient, callback.RedirectUri, state, challenge);
        if (noBrowser || !browser.TryOpen(url))
        {
            reporter.Info($"open this URL in a browser on this computer to sign in: {url}");
        }
        else
        {
            reporter.Info($"signing in in your browser (if it did not open: {url})");
        }

        return (SameDeviceClient, callback.RedirectUri, await callback.WaitForCodeAsync(state, "awsmfa login", cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The browser elsewhere: the person opens the URL there and pastes the base64 verification code it shows.</summary>
    private async Task<(string Client, string Redirect, string Code)> RemoteAsync(Uri endpoint, string state, string challenge, CancellationToken cancellationToken)
    {
        if (!terminal.IsAvailable)
        {
            throw AwsmfaException.Usage("--remote asks for the verification code on a terminal, and there is none");
        }

        var redirect = new Uri(endpoint, "/v1/sessions/confirmation").AbsoluteUri;
        var url = Authorize(endpoint, CrossDeviceClient, redirect, state, challenge);
        terminal.WriteLine($"Open this URL in a browser on any device, sign in, and paste the verification code it shows:\n\n  {url}\n");
        var pasted = (await terminal.PromptAsync("Verification code: ", cancellationToken).ConfigureAwait(false))?.Trim()
            ?? throw AwsmfaException.Usage("no verification code was pasted; nothing was written");
        string decoded;
        try
        {
            var padded = pasted.Replace('-', '+').Replace('_', '/');
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4)));
        }
        catch (FormatException)
        {
            throw AwsmfaException.Usage("that is not a verification code (the base64 text the sign-in page shows); nothing was written");
        }

        var fields = HttpUtility.ParseQueryString(decoded);
        if (fields["state"] != state || fields["code"] is not { Length: > 0 } code)
        {
            throw AwsmfaException.Usage("that verification code belongs to another sign-in (its state does not match); run awsmfa login --remote again");
        }

        return (CrossDeviceClient, redirect, code);
    }

    /// <summary>The ID token's <c>sub</c>: the session's ARN (read, not verified: it came over TLS from Sign-In, in answer to a DPoP-bound call).</summary>
    private static string? Subject(string? idToken)
    {
        if (idToken?.Split('.') is not [_, var payload, _])
        {
            return null;
        }

        try
        {
            var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload)) as JsonObject;
            return SignInTokens.Text(claims?["sub"]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
