using Awsmfa.Credentials;
using Awsmfa.Platform;
using Awsmfa.SignIn;

namespace Awsmfa.Cli.Console;

/// <summary>
/// Runs <c>console</c>: role credentials from the chain (or a federation session from the root's
/// keys for a plain IAM user), a sign-in token for them, then the login URL to the browser or,
/// when asked or when no browser can be started, to stdout. The URL holds the token: it never
/// reaches stderr, --verbose or a file.
/// </summary>
internal sealed class ConsoleHandler(Func<Reporter, CredentialPipeline> pipelines, IEnvironment environment, IBrowser browser)
{
    /// <summary>The console gets the IAM user's own permissions: the inline policy only ever narrows them.</summary>
    public const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    /// <summary>The longest console session AWS signs in, and what an IAM user gets by default.</summary>
    public const int MaxConsoleSeconds = 12 * 3600;

    private const int DefaultFederationSeconds = MaxConsoleSeconds;

    public async Task<int> RunAsync(ConsoleOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        // A wrong endpoint is refused before any code is asked for or any call made.
        var endpointOverride = SignInEndpointOverride();
        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline, federation: true);
        ServedCredentials served;
        int? sessionDuration = null;
        // A role's credentials sign in as the role: a role profile's, or a web identity's own.
        if (request.Roles.Count > 0 || request.Root.GivesRoleCredentials)
        {
            served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
            sessionDuration = options.Pipeline.DurationSeconds;
        }
        else
        {
            run.Reporter.Warn(
                $"profile '{request.Profile}' is an IAM user, not a role: the console gets a federation session, which carries no MFA, so actions whose policies require MFA are denied there; a role profile keeps MFA in the console");
            var seconds = options.Pipeline.DurationSeconds ?? DefaultFederationSeconds;
            served = await credentials.GetAsync(
                request,
                (root, services) => new FederationTokenStep(root, name: null, AllowAll, seconds, request.Target, services.Clients, services.Clock, services.Reporter),
                cancellationToken).ConfigureAwait(false);
        }

        var partition = Partition.For(served.Identity.RoleArn, request.Target.Region);
        var endpoint = endpointOverride ?? partition.SignInEndpoint;
        var token = await ConsoleSignIn.GetSigninTokenAsync(endpoint, served.Credentials, sessionDuration, request.Target.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var destination = partition.Destination(request.Target.Region, options.Service, options.Path);
        var url = ConsoleSignIn.LoginUrl(endpoint, token, destination);
        var who = served.Identity.RoleArn is { } role ? $"role {role}" : $"federated user of profile '{request.Profile}'";
        if (!options.Stdout && browser.TryOpen(url))
        {
            run.Reporter.Info($"opened the AWS console ({destination.Host}{destination.AbsolutePath}) as {who} in your browser");
            return ExitCodes.Success;
        }

        await run.Output.WriteLineAsync(url.AbsoluteUri).ConfigureAwait(false);
        run.Reporter.Info(options.Stdout
            ? $"the sign-in URL for {who} is on stdout; it signs in whoever opens it within 15 minutes"
            : $"no browser could be started ($BROWSER, xdg-open): the sign-in URL for {who} is on stdout; it signs in whoever opens it within 15 minutes");
        return ExitCodes.Success;
    }

    /// <summary>AWSMFA_SIGNIN_ENDPOINT (a private endpoint, tests), or null for the partition's own.</summary>
    private Uri? SignInEndpointOverride()
    {
        if (environment.Get(ConsoleSignIn.EndpointVariable) is not { } text)
        {
            return null;
        }

        // The session's keys travel in the query: plain http only to this machine.
        return InputRules.TryParseEndpoint(text.Trim(), out var endpoint) && (endpoint!.Scheme == Uri.UriSchemeHttps || endpoint.IsLoopback)
            ? endpoint
            : throw AwsmfaException.Usage($"{ConsoleSignIn.EndpointVariable} must be an https:// URL (http:// only to a loopback address)");
    }
}
