using Awsmfa.Aws;
using Awsmfa.Cli.Session;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;
using Awsmfa.Server;

namespace Awsmfa.Cli.Exec;

/// <summary>Runs <c>exec</c>: the session in the command's environment, or served from a loopback endpoint for its whole run.</summary>
internal sealed class ExecHandler(
    Func<Reporter, CredentialPipeline> pipelines, IEnvironment environment, IChildProcessRunner processes, TimeProvider clock, Func<TimeSpan> expiryMargin)
{
    public const string SessionMarker = "AWSMFA_SESSION";

    /// <summary>What exec --server gives the command as its shared credentials and config files.</summary>
    private static readonly string EmptyFile = OperatingSystem.IsWindows() ? "NUL" : "/dev/null";

    // Anything that could make the child's SDK pick other credentials than the session's (a tool
    // that tries web identity first would assume the CI job's role), and the MFA code, which is
    // spent and none of the child's business.
    private static readonly string[] Removed =
    [
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", MfaCodeSource.EnvironmentVariable,
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
    ];

    public async Task<int> RunAsync(ExecOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        if (environment.Get(SessionMarker) is { } outer && !options.AllowNested)
        {
            throw AwsmfaException.Usage(
                $"already inside awsmfa exec (session of profile '{outer}'); pass --allow-nested to run another one inside it");
        }

        var argv = options.Command is { Count: > 0 } given ? given.ToArray() : [UserShell(environment)];
        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline);
        var served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
        await run.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (!options.Server)
        {
            run.Reporter.Info($"running {argv[0]} with the session of profile '{served.Identity.Profile}', valid until {Timestamps.Format(served.Credentials.Expiration)}");
            return await processes.RunAsync(argv[0], argv[1..], ChildEnvironment(environment, served, request.Target), cancellationToken)
                .ConfigureAwait(false);
        }

        run.Reporter.Detail($"open-file limit: {ProcessHardening.RaiseOpenFileLimit()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}");
        // Later answers come from the cache or are minted anew; a --refresh was for this first one.
        // A code given at the start (-t, -, AWSMFA_TOKEN_CODE) is spent by the time a refresh needs
        // one, and stdin and the terminal are the command's: refreshes ask mfa_process or the prompt.
        var again = request with
        {
            Cache = request.Cache == CacheMode.Off ? CacheMode.Off : CacheMode.Normal,
            TokenCode = new TokenCodeOption(null, UseEnvironment: false),
        };
        // Read before the command runs: a wrong value is refused before anything starts.
        var hold = ReadHold(environment);
        ProcessHardening.AdoptOrphans();
        await using var endpoint = CredentialsServer.Start(
            token => credentials.GetAsync(again, token), served, clock, expiryMargin(), run.Reporter);
        run.Reporter.Info($"running {argv[0]} with credentials of profile '{served.Identity.Profile}' served on {endpoint.Uri.Authority} until it exits");
        var exit = await processes.RunAsync(argv[0], argv[1..], ServerEnvironment(environment, served, request.Target, endpoint), cancellationToken)
            .ConfigureAwait(false);
        await HoldPortAsync(endpoint, hold, run.Reporter, cancellationToken).ConfigureAwait(false);
        return exit;
    }

    /// <summary>The user's interactive shell, as aws-vault starts it: $SHELL, else /bin/sh; %COMSPEC%, else cmd.exe, on Windows.</summary>
    public static string UserShell(IEnvironment environment) => OperatingSystem.IsWindows()
        ? environment.Get("COMSPEC") is { Length: > 0 } comspec ? comspec : "cmd.exe"
        : environment.Get("SHELL") is { Length: > 0 } shell ? shell : "/bin/sh";

    /// <summary>How long the port is kept for processes the command left behind, unless AWSMFA_SERVER_HOLD says otherwise.</summary>
    public static readonly TimeSpan DefaultHold = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Once the command has exited, a process it left running in the background still holds the
    /// endpoint's URL and token: were the port let go, another local user could bind it, receive
    /// the token and answer that process with credentials of their own. The port stays bound
    /// (every answer a 503) while any such process lives: every process below awsmfa (orphans
    /// are adopted, <see cref="ProcessHardening.AdoptOrphans"/>), and any other of the user's
    /// processes started with the token. A daemon that never ends (a gpg-agent started by the
    /// command) must not hold a CI job for ever: after <paramref name="hold"/> the port is let go,
    /// and the user told. Ctrl-C stops the wait too.
    /// </summary>
    public static async Task HoldPortAsync(CredentialsServer endpoint, TimeSpan hold, Reporter reporter, CancellationToken cancellationToken)
    {
        endpoint.Close();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var told = false;
        while (!cancellationToken.IsCancellationRequested
            && Math.Max(ProcessEnvironments.CountLiveDescendants(), ProcessEnvironments.CountHolding("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.Token)) is > 0 and var count)
        {
            if (waited.Elapsed >= hold)
            {
                reporter.Warn($"{count} {(count == 1 ? "process" : "processes")} started by the command still {(count == 1 ? "runs" : "run")} after {DurationParser.Humanize(hold)}: letting the endpoint's port go (AWSMFA_SERVER_HOLD); {(count == 1 ? "it" : "they")} can no longer get credentials from it");
                return;
            }

            if (!told)
            {
                reporter.Info($"{count} {(count == 1 ? "process" : "processes")} started by the command still {(count == 1 ? "runs" : "run")}: keeping the endpoint's port (answering 503) until {(count == 1 ? "it ends" : "they end")}, {DurationParser.Humanize(hold)} at most (AWSMFA_SERVER_HOLD); Ctrl-C stops waiting");
                told = true;
            }

            // Often at first (most leftovers end within a second), then once a second.
            await Task.Delay(waited.Elapsed < TimeSpan.FromSeconds(2) ? 100 : 1000, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>AWSMFA_SERVER_HOLD (a duration, 0 to let the port go at once), else <see cref="DefaultHold"/>.</summary>
    public static TimeSpan ReadHold(IEnvironment environment) =>
        environment.Get("AWSMFA_SERVER_HOLD") is not { } text ? DefaultHold
        : DurationParser.TryParseSeconds(text, out var seconds) ? TimeSpan.FromSeconds(seconds)
        : text.Trim() == "0" ? TimeSpan.Zero
        : throw AwsmfaException.Usage("AWSMFA_SERVER_HOLD must be a duration such as 600, 10m or 1h");

    // Container-credentials variables of the caller's own (any AWS_CONTAINER_*, including ones
    // this version does not know), which an SDK would try before the endpoint's.
    private static bool ShadowsEndpoint(string name) => name.StartsWith("AWS_CONTAINER_", StringComparison.Ordinal);

    /// <summary>The command's environment under --server: the endpoint and its token, and no credentials of any kind.</summary>
    public static Dictionary<string, string> ServerEnvironment(IEnvironment environment, ServedCredentials served, AwsTarget target, CredentialsServer endpoint)
    {
        var child = ChildEnvironment(environment, served, target);
        foreach (var (name, _) in SessionOutput.Variables(served.Credentials))
        {
            child.Remove(name);
        }

        foreach (var name in child.Keys.Where(ShadowsEndpoint).ToList())
        {
            child.Remove(name);
        }

        child["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = endpoint.Uri.AbsoluteUri;
        child["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = endpoint.Token;
        // SDKs look at the shared files before container credentials: a [default] profile with
        // the user's long-term keys there would win over the endpoint, without MFA.
        child["AWS_SHARED_CREDENTIALS_FILE"] = EmptyFile;
        child["AWS_CONFIG_FILE"] = EmptyFile;
        return child;
    }

    public static Dictionary<string, string> ChildEnvironment(IEnvironment environment, ServedCredentials served, AwsTarget target)
    {
        var child = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment.GetAll())
        {
            if (!Removed.Contains(name, StringComparer.Ordinal))
            {
                child[name] = value;
            }
        }

        foreach (var (name, value) in SessionOutput.Variables(served.Credentials))
        {
            child[name] = value;
        }

        foreach (var (name, value) in SessionOutput.RegionVariables(target.Region))
        {
            child[name] = value;
        }

        child[SessionMarker] = served.Identity.Profile;
        return child;
    }}
