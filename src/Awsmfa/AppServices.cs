using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Keyring;
using Awsmfa.Platform;

namespace Awsmfa;

/// <summary>Every effect the commands use, each with one real implementation; tests pass their own.</summary>
internal sealed class AppServices(
    IEnvironment environment,
    IProfileStore profiles,
    ITerminal terminal,
    IStandardInput standardInput,
    TimeProvider clock,
    IAwsClientFactory awsClients)
{
    public static readonly TimeSpan DefaultExpiryMargin = TimeSpan.FromMinutes(5);


    public IEnvironment Environment { get; } = environment;

    public IProfileStore Profiles { get; } = profiles;

    public ITerminal Terminal { get; } = terminal;

    /// <summary>Opened on first use: a cached run never reads stdin.</summary>
    public IStandardInput StandardInput { get; } = standardInput;

    public TimeProvider Clock { get; } = clock;

    public IAwsClientFactory AwsClients { get; } = awsClients;

    /// <summary>Starts the program of <c>awsmfa exec</c>.</summary>
    public IChildProcessRunner Processes { get; init; } = new ChildProcessRunner(new SignalRouter());

    /// <summary>What the exit after Ctrl-C waits for (the composition root's, which the signal handler reads).</summary>
    public ExitGuard ExitGuard { get; init; } = new();

    /// <summary>Runs a profile's <c>mfa_process</c>; tests give scripted answers. Null: the real one.</summary>
    public Func<Reporter, IMfaProcess>? MfaProcesses { get; init; }

    /// <summary>The desktop dialog for a code when there is no terminal (an IDE, Lens); null when none can be shown.</summary>
    public Func<IDesktopPrompt?> DesktopPrompt { get; init; } = () => DesktopPrompts.Find(environment);

    /// <summary>Opens the console's sign-in URL.</summary>
    public IBrowser Browser { get; init; } = new Browser(environment);

    /// <summary>The IAM Identity Center sign-in, for sso login and for a command whose session ended.</summary>
    public SsoSignIn SsoSignIn => new(AwsClients, Browser, Environment, Clock);

    /// <summary>Opens the OS keyring, on first use only: a cached answer never does.</summary>
    public Func<IKeyring> Keyring { get; init; } = () => KeyringBackends.Open(environment);

    /// <summary>IAM's access-key calls for <c>keys rotate</c>, signed with an MFA session: --endpoint-url, else the endpoint configured for IAM as the SDK reads it, else the partition's IAM.</summary>
    public Func<SessionCredentials, string, AwsTarget, IIamAccessKeys> IamKeys { get; init; } = (session, partition, target) =>
        new IamAccessKeys(IamQuery.For(session, partition, target));

    /// <summary>IAM's MFA-device calls for <c>mfa list|create|remove</c> and <c>init</c>, reached as <see cref="IamKeys"/>.</summary>
    public Func<SessionCredentials, string, AwsTarget, IIamMfaDevices> IamMfaDevices { get; init; } = (credentials, partition, target) =>
        new IamMfaDevices(IamQuery.For(credentials, partition, target));

    /// <summary>EKS DescribeCluster for <c>eks update-kubeconfig</c>.</summary>
    public Func<SessionCredentials, AwsTarget, Eks.IEksClusters> EksClusters { get; init; } = (credentials, target) => new Eks.EksClusters(credentials, target);

    /// <summary>Which profiles have keys in the keyring (awsmfa's own record; no secret).</summary>
    public KeyringIndex KeyringIndex => _keyringIndex ??= KeyringIndex.ForHome(Environment);

    private KeyringIndex? _keyringIndex;

    /// <summary>How long a run waits for another's lock on a cache entry: long enough for that one to prompt a person for the code.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long update-kubeconfig waits for kubectl's lock on the kubeconfig.</summary>
    public TimeSpan KubeconfigLockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often <c>ec2 terminate --wait</c> asks EC2 for the instances' states.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public SessionCache CreateCache(Reporter reporter) =>
        new(SessionCache.DefaultDirectory(Environment), reporter, Clock);

    public CredentialPipeline CreatePipeline(Reporter reporter)
    {
        var margin = ReadExpiryMargin();
        var cache = CreateCache(reporter);
        var codes = new MfaCodeSource(
            Environment, Profiles, StandardInput, Terminal, MfaProcesses?.Invoke(reporter) ?? new MfaProcess(Environment, Terminal, reporter), DesktopPrompt, new SpentCodes(cache, Clock), Clock, reporter);
        var roots = new CredentialRoots(
            (spec, request) => new CredentialProcessRoot(spec, request.Resolving, Environment, new HelperProcess(Terminal, reporter), Clock),
            spec => new KeyringRoot(spec, Keyring, reporter));
        return new CredentialPipeline(
            new SessionRequestResolver(Environment, Profiles, KeyringIndex, reporter), roots, AwsClients, Profiles, codes, () => cache, Clock, margin, LockTimeout, reporter)
        {
            SsoSignIn = SsoSignIn,
        };
    }

    /// <summary>How long before expiry credentials stop being served: AWSMFA_EXPIRY_MARGIN, else 5 minutes.</summary>
    public TimeSpan ReadExpiryMargin()
    {
        if (Environment.Get("AWSMFA_EXPIRY_MARGIN") is not { } text)
        {
            return DefaultExpiryMargin;
        }

        return DurationParser.TryParseSeconds(text, out var seconds) && seconds <= DurationParser.MaxSessionSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw AwsmfaException.Usage("AWSMFA_EXPIRY_MARGIN must be a duration such as 300, 5m or 1h");
    }
}
