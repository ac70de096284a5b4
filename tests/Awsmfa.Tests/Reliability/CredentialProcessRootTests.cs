using System.Diagnostics;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// Long-term keys from a profile's credential_process (a password manager), and from the
/// environment for credential_source = Environment, through the built tool against a strict fake
/// STS that records which key signed each call.
/// </summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: the stand-in password manager is a shell script")]
public sealed class CredentialProcessRootTests : FakeAwsToolTest
{
    private const string ProcessKey = "AKIAPROCESSKEY000001";
    private const string ProcessSecret = "ProcessSecretFromThePasswordManager0001";

    private string Counter => Path.Combine(Tool.Home, "runs");

    private int Runs => File.Exists(Counter) ? File.ReadAllLines(Counter).Length : 0;

    /// <summary>A stand-in for op/pass/bw: counts its runs, says something on stderr, prints the JSON.</summary>
    private string PasswordManager(string json, string before = "")
    {
        var path = Path.Combine(Tool.Home, "password-manager");
        File.WriteAllText(path, $"#!/bin/sh\n{before}\necho run >> '{Counter}'\necho 'unlocking vault' >&2\ncat <<'JSON'\n{json}\nJSON\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private void Profiles(string extra = "", string? command = null)
    {
        command ??= PasswordManager($$"""{"Version": 1, "AccessKeyId": "{{ProcessKey}}", "SecretAccessKey": "{{ProcessSecret}}"}""");
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "credentials"), "");
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), $"""
            [profile vault]
            region = us-east-1
            mfa_serial = {ToolProcess.Serial}
            credential_process = {command} --item "aws prod"

            [profile admin]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = vault
            {extra}
            """);
    }

    private Task<CliResult> GetAsync(params string[] args) =>
        Tool.RunAsync(null, ["session", "get", "--endpoint-url", Aws.Url, "-o", "json", .. args]);

    [Test]
    public async Task The_process_keys_sign_GetSessionToken_with_the_code()
    {
        Profiles();

        var result = await GetAsync("--profile", "vault", "-t", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var call = Aws.Calls.Single();
        Assert.That(call, Is.EqualTo(new StsCall("GetSessionToken", ProcessKey, ToolProcess.Serial, "123456", null, false)));
        Assert.That(result.Stderr, Does.Contain("awsmfa: credential_process of profile 'vault': unlocking vault"), "its stderr is relayed");
        Assert.That(Runs, Is.EqualTo(1));
    }

    [Test]
    public async Task The_process_does_not_see_the_code_given_in_AWSMFA_TOKEN_CODE()
    {
        var seen = Path.Combine(Tool.Home, "seen");
        Profiles(command: PasswordManager(
            $$"""{"Version": 1, "AccessKeyId": "{{ProcessKey}}", "SecretAccessKey": "{{ProcessSecret}}"}""",
            before: "printf '%s' \"${AWSMFA_TOKEN_CODE:-unset}\" > '" + seen + "'"));
        Tool.Environment["AWSMFA_TOKEN_CODE"] = "123456";

        var result = await GetAsync("--profile", "vault");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Aws.Calls.Single().TokenCode, Is.EqualTo("123456"), "the code was given and used");
        Assert.That(File.ReadAllText(seen), Is.EqualTo("unset"), "a program awsmfa starts is not handed the code");
    }

    [Test]
    public async Task A_cache_hit_and_a_role_on_top_run_no_process_and_ask_no_code()
    {
        Profiles();
        var first = await GetAsync("--profile", "vault", "-t", "123456");

        var hit = await GetAsync("--profile", "vault");
        var role = await GetAsync("--profile", "admin");

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(hit.ExitCode, Is.Zero, hit.ToString());
        Assert.That(hit.Stderr, Does.Contain("from the cache"));
        Assert.That(role.ExitCode, Is.Zero, role.ToString());
        Assert.That(Runs, Is.EqualTo(1), "the process ran for the first miss only");
        var assume = Aws.Calls.Single(c => c.Action == "AssumeRole");
        Assert.That(assume.SignedBy, Does.StartWith("ASIAFAKESESSION"), "signed with the cached MFA session");
        Assert.That(assume.TokenCode, Is.Null);
        Assert.That(Aws.Calls.Count(c => c.Action == "GetSessionToken"), Is.EqualTo(1));
    }

    [Test]
    public async Task Six_parallel_misses_run_the_process_once_and_call_sts_once()
    {
        Profiles(command: PasswordManager($$"""{"Version": 1, "AccessKeyId": "{{ProcessKey}}", "SecretAccessKey": "{{ProcessSecret}}"}""", before: "sleep 0.5"));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => GetAsync("--profile", "vault", "-t", "123456")));

        Assert.That(results.Select(r => r.ExitCode), Is.All.Zero, string.Join("\n", results.Select(r => r.ToString())));
        Assert.That(Runs, Is.EqualTo(1));
        Assert.That(Aws.Calls.Count, Is.EqualTo(1));
        Assert.That(results.Select(r => r.Stdout).Distinct().Count(), Is.EqualTo(1), "one session for all");
    }

    [Test]
    public async Task A_failing_process_is_one_line_naming_it_and_no_sts_call()
    {
        Profiles(command: PasswordManager("", before: "echo '[ERROR] You are not currently signed in.' >&2; exit 1"));

        var result = await GetAsync("--profile", "vault", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Split('\n')[^2], Is.EqualTo("awsmfa: credential_process of profile 'vault' exited with 1: [ERROR] You are not currently signed in.; no AWS call was made"));
        Assert.That(Aws.Calls, Is.Empty);
    }

    [TestCase("not json at all", "printed something that is not the credential_process JSON ({\"Version\": 1, \"AccessKeyId\": …})")]
    [TestCase("""{"Version": 2, "AccessKeyId": "AKIAPROCESSKEY000001", "SecretAccessKey": "ProcessSecretFromThePasswordManager0001"}""", "printed Version 2; the credential_process JSON has Version 1")]
    [TestCase("""{"Version": 1, "AccessKeyId": "$(reboot)", "SecretAccessKey": "x"}""", "printed an AccessKeyId or SecretAccessKey that is missing or not in the shape AWS issues")]
    public async Task Garbage_from_the_process_is_one_line_with_its_last_words_and_no_call(string output, string message)
    {
        Profiles(command: PasswordManager(output));

        var result = await GetAsync("--profile", "vault", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(
            result.Stderr.Split('\n')[^2],
            Is.EqualTo($"awsmfa: credential_process of profile 'vault' {message} (it said: unlocking vault); no AWS call was made"));
        Assert.That(Aws.Calls, Is.Empty);
    }

    [TestCase(60_000, true)]
    [TestCase(70_000, false)]
    public async Task Output_is_read_up_to_64_KiB_and_refused_past_it_without_a_call(int padding, bool read)
    {
        // A valid answer after padding: the cap, not the JSON, decides.
        Profiles(command: PasswordManager(
            $$"""{"Version": 1, "AccessKeyId": "{{ProcessKey}}", "SecretAccessKey": "{{ProcessSecret}}"}""",
            before: $"printf '%0{padding}d' 0 | tr 0 ' '"));

        var result = await GetAsync("--profile", "vault", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(read ? 0 : 2), result.ToString());
        if (read)
        {
            Assert.That(Aws.Calls.Single().SignedBy, Is.EqualTo(ProcessKey));
        }
        else
        {
            Assert.That(
                result.Stderr.Split('\n')[^2],
                Is.EqualTo("awsmfa: credential_process of profile 'vault' printed more than 64 KiB, more than any code or credentials (it said: unlocking vault); no AWS call was made"));
            Assert.That(Aws.Calls, Is.Empty);
        }
    }

    [Test]
    [Platform("Linux", Reason = "reads /proc to see the child is gone")]
    public async Task A_process_that_hangs_is_stopped_with_its_children_at_its_timeout_and_its_last_words_said()
    {
        // A password manager waiting for a fingerprint, with a helper of its own in the background.
        var helperPid = Path.Combine(Tool.Home, "helper.pid");
        Profiles(command: PasswordManager("", before: $"sleep 300 & echo $! > '{helperPid}'; echo 'waiting for Touch ID' >&2; sleep 30"));
        Tool.Environment["AWSMFA_CREDENTIAL_PROCESS_TIMEOUT"] = "1s";
        var clock = Stopwatch.StartNew();

        var result = await GetAsync("--profile", "vault", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(
            result.Stderr.Split('\n')[^2],
            Is.EqualTo("awsmfa: credential_process of profile 'vault' did not finish within 1s and was stopped (AWSMFA_CREDENTIAL_PROCESS_TIMEOUT) (it said: waiting for Touch ID); no AWS call was made"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        Assert.That(Aws.Calls, Is.Empty);
        var pid = int.Parse(File.ReadAllText(helperPid).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var stat = $"/proc/{pid}/stat";
        var alive = File.Exists(stat) && TryRead(stat) is { } line && !line.Contains(") Z ", StringComparison.Ordinal);
        Assert.That(alive, Is.False, "its background child was killed too");

        static string? TryRead(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    [Test]
    public async Task A_role_profile_with_both_source_profile_and_credential_source_is_refused_without_a_call()
    {
        Profiles(extra: "credential_source = Environment");
        Tool.Environment["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENTKEY01";
        Tool.Environment["AWS_SECRET_ACCESS_KEY"] = "EnvironmentSecretValue000000000001";

        var result = await GetAsync("--profile", "admin", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: profile 'admin' has both source_profile and credential_source; a role profile names one of them\n"));
        Assert.That(Aws.Calls, Is.Empty);
        Assert.That(Runs, Is.Zero, "the password manager was not asked");
    }

    [Test]
    public async Task A_wrapper_script_that_runs_awsmfa_for_its_own_profile_is_refused_by_the_awsmfa_it_starts()
    {
        var wrapper = Path.Combine(Tool.Home, "wrapper.sh");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec {ToolProcess.ShellCommand} session get --profile loop --output credential-process\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)Convert.ToInt32("700", 8));
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), $"""
            [profile loop]
            region = us-east-1
            mfa_serial = {ToolProcess.Serial}
            credential_process = {wrapper}
            """);

        var result = await GetAsync("--profile", "loop", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("credential_process loop: profile 'loop' is already being resolved by the awsmfa that ran this one (loop -> loop)"));
        Assert.That(Aws.Calls, Is.Empty);
    }

    [Test]
    public async Task A_profile_whose_process_runs_awsmfa_for_itself_is_refused_within_a_second()
    {
        var awsmfa = ToolProcess.ShellCommand;
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), $"""
            [profile loop]
            region = us-east-1
            mfa_serial = {ToolProcess.Serial}
            credential_process = {awsmfa} session get --profile loop --output credential-process
            """);
        var clock = Stopwatch.StartNew();

        var result = await GetAsync("--profile", "loop", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        // Seen for what it is (awsmfa for the profile itself) before any process starts.
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: credential_process loop: loop -> loop; a profile's credential_process must not run awsmfa for that profile\n"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(ToolProcess.Installed is null ? 5 : 1)));
        Assert.That(Aws.Calls, Is.Empty);
    }

    [Test]
    public async Task Temporary_credentials_from_the_process_sign_the_role_with_the_device_and_code()
    {
        Profiles(command: PasswordManager("""{"Version": 1, "AccessKeyId": "ASIAPROCESSTEMP00001", "SecretAccessKey": "ProcessTemporarySecret000001", "SessionToken": "ProcessToken", "Expiration": "2099-01-01T00:00:00Z"}"""));

        var role = await GetAsync("--profile", "admin", "-t", "123456");
        var session = await GetAsync("--profile", "vault", "-t", "654321");

        Assert.That(role.ExitCode, Is.Zero, role.ToString());
        Assert.That(Aws.Calls.First(), Is.EqualTo(new StsCall("AssumeRole", "ASIAPROCESSTEMP00001", ToolProcess.Serial, "123456", "arn:aws:iam::210987654321:role/admin", true)));
        Assert.That(session.ExitCode, Is.EqualTo(2), session.ToString());
        Assert.That(session.Stderr, Does.Contain("are temporary credentials (a session token), which cannot call GetSessionToken"));
        Assert.That(Aws.Calls, Has.Count.EqualTo(1), "no GetSessionToken with temporary credentials");
    }

    [TestCase("2099-01-01 13:11:40.388057+00:00")]
    [TestCase("2099-01-01T13:11:40Z")]
    public async Task An_expiration_as_python_prints_a_datetime_is_read_as_botocore_reads_it(string expiration)
    {
        Profiles(command: PasswordManager($$"""{"Version": 1, "AccessKeyId": "ASIAPROCESSTEMP00001", "SecretAccessKey": "ProcessTemporarySecret000001", "SessionToken": "ProcessToken", "Expiration": "{{expiration}}"}"""));

        var role = await GetAsync("--profile", "admin", "-t", "123456");

        Assert.That(role.ExitCode, Is.Zero, role.ToString());
        Assert.That(Aws.Calls.Single().SignedBy, Is.EqualTo("ASIAPROCESSTEMP00001"));
    }

    [Test]
    public async Task Credential_source_environment_assumes_the_role_with_the_environments_keys_and_the_code()
    {
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), $"""
            [profile ci]
            role_arn = arn:aws:iam::210987654321:role/deploy
            credential_source = Environment
            mfa_serial = {ToolProcess.Serial}
            region = us-east-1
            """);
        Tool.Environment["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENTKEY01";
        Tool.Environment["AWS_SECRET_ACCESS_KEY"] = "EnvironmentSecretValue000000000001";

        var result = await GetAsync("--profile", "ci", "-t", "123456");
        var again = await GetAsync("--profile", "ci");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Aws.Calls.Single(), Is.EqualTo(new StsCall("AssumeRole", "AKIAENVIRONMENTKEY01", ToolProcess.Serial, "123456", "arn:aws:iam::210987654321:role/deploy", false)));
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(again.Stderr, Does.Contain("from the cache"));
    }

    [TestCase("Ec2InstanceMetadata")]
    [TestCase("EcsContainer")]
    public async Task Machine_credential_sources_are_refused_by_name(string source)
    {
        File.WriteAllText(Path.Combine(Tool.AwsFolder, "config"), $"[profile m]\nrole_arn = arn:aws:iam::210987654321:role/x\ncredential_source = {source}\nmfa_serial = {ToolProcess.Serial}\n");

        var result = await GetAsync("--profile", "m", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"credential_source = {source}; awsmfa takes credential_source = Environment only"));
    }

    [Test]
    public async Task The_process_secret_is_in_no_file_afterwards()
    {
        Profiles();

        var result = await GetAsync("--profile", "vault", "-t", "123456", "--verbose");
        await GetAsync("--profile", "admin", "--verbose");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout + result.Stderr, Does.Not.Contain(ProcessSecret));
        foreach (var file in Directory.EnumerateFiles(Tool.Home, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("password-manager", StringComparison.Ordinal)))
        {
            Assert.That(File.ReadAllText(file), Does.Not.Contain(ProcessSecret).And.Not.Contain(ProcessKey), file);
        }
    }

    [Test]
    public async Task Session_list_names_the_root_of_each_entry()
    {
        Profiles();
        await GetAsync("--profile", "vault", "-t", "123456");
        await GetAsync("--profile", "admin");

        var list = await Tool.RunAsync(null, "session", "list");

        Assert.That(list.ExitCode, Is.Zero, list.ToString());
        var rows = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]).ToList();
        Assert.That(rows.Select(r => string.Join(' ', r)), Is.EquivalentTo(new[] { "admin role process", "vault session process" }));
    }

    [Test]
    public async Task A_spent_code_is_refused_before_the_password_manager_is_asked()
    {
        Profiles();
        await GetAsync("--profile", "vault", "-t", "123456");
        await Tool.RunAsync(null, "session", "clear");

        var again = await GetAsync("--profile", "vault", "-t", "123456");

        Assert.That(again.ExitCode, Is.EqualTo(3), again.ToString());
        Assert.That(again.Stderr, Does.Contain("this MFA code was already used"));
        Assert.That(Runs, Is.EqualTo(1), "the vault was not unlocked for a code that cannot work");
    }
}
