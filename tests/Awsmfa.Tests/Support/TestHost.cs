using Awsmfa.Cli;
using Awsmfa.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace Awsmfa.Tests.Support;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real command line in-process with fakes for every effect: a temp home with its own
/// AWS files and cache, a fake clock, a fake terminal and Moq'd AWS clients.
/// </summary>
internal sealed class TestHost : IDisposable
{
    public const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLONGTERMSECRET";
    public const string Serial = "arn:aws:iam::123456789012:mfa/alice";

    private readonly TempDirectory _home = new();

    public TestHost()
    {
        Directory.CreateDirectory(AwsFolder);
        Environment = new FakeEnvironment(_home.Path);
        Environment["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile;
        Environment["AWS_CONFIG_FILE"] = ConfigFile;
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        Aws.NextExpiration = Clock.GetUtcNow().UtcDateTime.AddHours(1);
        Aws.Now = () => Clock.GetUtcNow().UtcDateTime;
    }

    public FakeEnvironment Environment { get; }

    public FakeTerminal Terminal { get; } = new();

    public FakeTimeProvider Clock { get; }

    public FakeAwsClientFactory Aws { get; } = new();

    public string Stdin { get; set; } = string.Empty;

    /// <summary>The desktop dialog, when the test gives one (none: as on a machine with no display).</summary>
    public FakeDesktopPrompt? Dialog { get; set; }

    /// <summary>The OS keyring, in memory.</summary>
    public FakeKeyring Keyring { get; } = new();

    /// <summary>The clusters EKS DescribeCluster knows, by name.</summary>
    public Dictionary<string, Awsmfa.Eks.EksCluster> EksClusters { get; } = new(StringComparer.Ordinal);

    /// <summary>The credentials and target each DescribeCluster was made with.</summary>
    public List<(Awsmfa.Aws.SessionCredentials Credentials, Awsmfa.Aws.AwsTarget Target)> EksCalls { get; } = [];

    /// <summary>IAM for keys rotate, in memory.</summary>
    public FakeIam Iam { get; } = new();

    /// <summary>Scripted mfa_process answers, instead of running the profile's program.</summary>
    public FakeMfaProcess? MfaProcess { get; set; }

    /// <summary>How long a run waits for a held cache lock (3 minutes in the tool).</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long update-kubeconfig waits for the kubeconfig's lock (30 s in the tool).</summary>
    public TimeSpan KubeconfigLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public Awsmfa.Platform.IChildProcessRunner Processes { get; set; } = new Awsmfa.Platform.ChildProcessRunner(new Awsmfa.Platform.SignalRouter());

    public string Home => _home.Path;

    public string AwsFolder => Path.Combine(_home.Path, ".aws");

    // The SDK reads the config file beside the credentials file unless AWS_CONFIG_FILE is set in
    // the real process environment, so both live in one folder here.
    public string CredentialsFile => Path.Combine(AwsFolder, "credentials");

    public string ConfigFile => Path.Combine(AwsFolder, "config");

    public string CacheFolder => Path.Combine(_home.Path, ".aws", "awsmfa", "cache");

    /// <summary>A <c>base</c> profile with long-term keys and an MFA device, the common case.</summary>
    public TestHost WithBaseProfile(string extra = "")
    {
        WriteCredentials($"""
            [base]
            aws_access_key_id = {AccessKeyId}
            aws_secret_access_key = {SecretAccessKey}
            mfa_serial = {Serial}
            {extra}
            """);
        return this;
    }

    public void WriteCredentials(string ini) => File.WriteAllText(CredentialsFile, ini);

    public void WriteConfig(string ini) => File.WriteAllText(ConfigFile, ini);

    public AppServices Services() => new(
        Environment,
        new SharedConfigProfileStore(CredentialsFile),
        Terminal,
        new FakeStandardInput(() => Stdin),
        Clock,
        Aws)
    {
        Processes = Processes,
        MfaProcesses = MfaProcess is { } fake ? _ => fake : null,
        LockTimeout = LockTimeout,
        KubeconfigLockTimeout = KubeconfigLockTimeout,
        Keyring = Keyring.Open,
        DesktopPrompt = () => Dialog,
        IamKeys = (_, _, _) => Iam,
        EksClusters = (credentials, target) =>
        {
            EksCalls.Add((credentials, target));
            return new FakeEksClusters(EksClusters);
        },
    };

    public async Task<CliResult> RunAsync(params string[] args)
    {
        // As the tool's own writers: \n on every platform.
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await new AwsmfaCli(Services()).InvokeAsync(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a command while the fake clock moves on by <paramref name="step"/> every real millisecond or so, for commands that wait.</summary>
    public async Task<CliResult> RunWithClockRunningAsync(TimeSpan step, params string[] args)
    {
        var run = RunAsync(args);
        while (!run.IsCompleted)
        {
            await Task.Delay(1);
            Clock.Advance(step);
        }

        return await run;
    }

    public IEnumerable<string> CacheFiles() =>
        Directory.Exists(CacheFolder) ? Directory.GetFiles(CacheFolder) : [];

    public void Dispose() => _home.Dispose();
}
