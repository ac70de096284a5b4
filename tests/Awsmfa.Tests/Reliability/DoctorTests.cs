using System.Text.Json;
using Awsmfa.Tests.Integration;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>doctor, whoami and profile list through the built tool, against the strict fake STS (and its clock).</summary>
[TestFixture]
[Category("Process")]
[Platform(Exclude = "Win", Reason = "POSIX: file modes")]
public sealed class DoctorTests : FakeAwsToolTest
{
    [SetUp]
    public void Profiles()
    {
        File.SetUnixFileMode(Path.Combine(Tool.AwsFolder, "credentials"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Path.Combine(Tool.AwsFolder, "config"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), """

            [profile admin]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = base
            region = eu-west-1

            [profile orphan]
            role_arn = arn:aws:iam::210987654321:role/x
            source_profile = gone
            """);
    }

    private async Task<(int Exit, List<(string Check, string Status, string Message)> Checks, CliResult Result)> DoctorAsync(params string[] args)
    {
        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), ["doctor", "--endpoint-url", Aws.Url, "-o", "json", .. args]);
        using var json = JsonDocument.Parse(result.Stdout);
        var checks = json.RootElement.GetProperty("Checks").EnumerateArray()
            .Select(c => (c.GetProperty("Check").GetString()!, c.GetProperty("Status").GetString()!, c.GetProperty("Message").GetString()!)).ToList();
        return (result.ExitCode, checks, result);
    }

    [Test]
    public async Task A_clock_ten_minutes_off_fails_names_the_offset_and_spends_no_code()
    {
        Aws.ClockAhead = TimeSpan.FromMinutes(10);

        var (exit, checks, result) = await DoctorAsync("--profile", "base");

        Assert.That(exit, Is.EqualTo(1), result.ToString());
        var clock = checks.Single(c => c.Check == "clock");
        Assert.That(clock.Status, Is.EqualTo("fail"));
        Assert.That(clock.Message, Does.Match(@"this computer's clock is (9m5\d|10m0\d)s? behind STS's"));
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero);
        Assert.That(result.Stdout + result.Stderr, Does.Not.Contain(ToolProcess.SecretAccessKey));
    }

    [Test]
    public async Task A_healthy_profile_passes()
    {
        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "doctor", "--profile", "admin", "--endpoint-url", Aws.Url);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("ok    clock: this computer's clock is within a minute of STS's"));
        Assert.That(result.Stdout, Does.Contain("ok    profile: profile 'admin' resolves: root 'base' (keys in the credentials or config file), then arn:aws:iam::210987654321:role/admin; MFA device arn:aws:iam::123456789012:mfa/alice"));
        Assert.That(result.Stdout, Does.Contain("ok    reach STS: STS at 127.0.0.1 answered over HTTP in"));
        Assert.That(result.Stdout, Does.Not.Contain("fail"));
        Assert.That(result.Stderr, Does.Match(@"awsmfa: doctor: \d+ ok, 0 warnings, 0 failures\n"));
    }

    [Test]
    public async Task A_readable_credentials_file_keys_in_the_environment_and_a_missing_source_profile_are_reported()
    {
        File.SetUnixFileMode(Path.Combine(Tool.AwsFolder, "credentials"), (UnixFileMode)Convert.ToInt32("644", 8));
        Tool.Environment["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENTKEY01";

        var (exit, checks, result) = await DoctorAsync("--profile", "orphan");

        Assert.That(exit, Is.EqualTo(1), result.ToString());
        Assert.That(checks, Does.Contain(("files", "warn", $"{Path.Combine(Tool.AwsFolder, "credentials")} can be read by other users (mode 0644): run chmod 600 '{Path.Combine(Tool.AwsFolder, "credentials")}'")));
        Assert.That(checks, Does.Contain(("environment", "warn", "AWS_ACCESS_KEY_ID is set: with no --profile, awsmfa and every SDK use these keys instead of profile 'default'")));
        var profile = checks.Single(c => c.Check == "profile");
        Assert.That(profile.Status, Is.EqualTo("fail"));
        Assert.That(profile.Message, Does.StartWith("profile 'orphan' names source_profile 'gone', which was not found"));
    }

    [Test]
    public async Task The_cache_check_shows_the_mfa_session_and_each_role_with_time_left()
    {
        var seeded = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");
        Assert.That(seeded.ExitCode, Is.Zero, seeded.ToString());

        var (_, checks, _) = await DoctorAsync("--profile", "admin");

        var cache = checks.Where(c => c.Check == "cache").Select(c => c.Message).ToList();
        Assert.That(cache, Has.Count.EqualTo(2), string.Join("\n", cache));
        Assert.That(cache[0], Does.Match(@"^the MFA session: cached until \d{4}-\d\d-\d\dT[\d:]+Z \(\d+m left\)$"));
        Assert.That(cache[1], Is.EqualTo("role arn:aws:iam::210987654321:role/admin: not cached; the next command gets one"));
    }

    [Test]
    public async Task A_role_over_a_process_that_gives_temporary_credentials_has_no_mfa_session_line()
    {
        // Temporary credentials from the root sign the role straight away: there is no MFA session to cache.
        var process = Path.Combine(Tool.Home, "session-from-vault");
        File.WriteAllText(process, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESSSESSION01\", \"SecretAccessKey\": \"ProcessSessionSecret0001\", \"SessionToken\": \"ProcessSessionToken\"}'\n");
        File.SetUnixFileMode(process, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"""

            [profile vault]
            credential_process = {process}

            [profile fromvault]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = vault
            """);

        var (_, checks, result) = await DoctorAsync("--profile", "fromvault");

        var cache = checks.Where(c => c.Check == "cache").Select(c => c.Message).ToList();
        Assert.That(cache, Is.EqualTo(new[] { "role arn:aws:iam::210987654321:role/admin: not cached; the next command gets one" }), result.ToString());
    }

    [Test]
    public async Task Container_credential_variables_are_named_and_their_token_never_shown()
    {
        Tool.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:9/creds";
        Tool.Environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-token-never-shown";

        var (_, checks, result) = await DoctorAsync("--profile", "base");

        var environment = checks.Where(c => c.Check == "environment").Select(c => c.Message).ToList();
        Assert.That(environment, Has.Some.StartsWith("AWS_CONTAINER_CREDENTIALS_FULL_URI is set"));
        Assert.That(environment, Has.Some.StartsWith("AWS_CONTAINER_AUTHORIZATION_TOKEN is set"));
        Assert.That(result.Stdout + result.Stderr, Does.Not.Contain("container-token-never-shown"));
    }

    [Test]
    public async Task With_the_network_down_it_still_finishes_in_seconds()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "doctor", "--profile", "base", "--endpoint-url", "http://127.0.0.1:9");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Does.Contain("fail  reach STS: could not reach STS at 127.0.0.1: Connection refused"));
        Assert.That(result.Stdout, Does.Contain("warn  clock: could not compare this computer's clock with STS's"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task Whoami_on_a_role_profile_shows_the_assumed_role_and_its_account()
    {
        var first = await Tool.RunAsync(null, "whoami", "--profile", "admin", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "json");
        var again = await Tool.RunAsync(null, "whoami", "--profile", "admin", "--endpoint-url", Aws.Url);

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        using var json = JsonDocument.Parse(first.Stdout);
        Assert.That(json.RootElement.GetProperty("Account").GetString(), Is.EqualTo("210987654321"));
        Assert.That(json.RootElement.GetProperty("Arn").GetString(), Is.EqualTo("arn:aws:sts::210987654321:assumed-role/admin/awsmfa-alice"));
        Assert.That(json.RootElement.GetProperty("Source").GetString(), Is.EqualTo("new role"));
        Assert.That(json.RootElement.GetProperty("Expiration").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(again.Stdout, Does.Contain("Source      cached role of profile 'admin' (MFA arn:aws:iam::123456789012:mfa/alice)"));
        Assert.That(Aws.Calls.Last().SignedBy, Does.StartWith("ASIAFAKEROLE"), "GetCallerIdentity signed with the role");
    }

    [Test]
    public async Task Whoami_after_eval_answers_for_the_credentials_in_the_environment_as_the_aws_cli_does()
    {
        var session = await Tool.RunAsync(null, "session", "get", "--profile", "admin", "--endpoint-url", Aws.Url, "-t", "123456", "-o", "json");
        Assert.That(session.ExitCode, Is.Zero, session.ToString());
        using (var exported = JsonDocument.Parse(session.Stdout))
        {
            // What eval "$(awsmfa session get --profile admin)" leaves in the shell.
            Tool.Environment["AWS_ACCESS_KEY_ID"] = exported.RootElement.GetProperty("AccessKeyId").GetString()!;
            Tool.Environment["AWS_SECRET_ACCESS_KEY"] = exported.RootElement.GetProperty("SecretAccessKey").GetString()!;
            Tool.Environment["AWS_SESSION_TOKEN"] = exported.RootElement.GetProperty("SessionToken").GetString()!;
        }

        var inShell = await Tool.RunAsync(null, "whoami", "--endpoint-url", Aws.Url, "-o", "json");
        var text = await Tool.RunAsync(null, "whoami", "--endpoint-url", Aws.Url);
        var forProfile = await Tool.RunAsync(null, "whoami", "--profile", "base", "--endpoint-url", Aws.Url, "-o", "json");
        var withRole = await Tool.RunAsync(null, "whoami", "--role-arn", "arn:aws:iam::210987654321:role/admin", "--endpoint-url", Aws.Url, "-o", "json");

        Assert.That(inShell.ExitCode, Is.Zero, inShell.ToString());
        using var json = JsonDocument.Parse(inShell.Stdout);
        Assert.That(json.RootElement.GetProperty("Arn").GetString(), Is.EqualTo("arn:aws:sts::210987654321:assumed-role/admin/awsmfa-alice"), "the role in the shell, not the default user");
        Assert.That(json.RootElement.GetProperty("Source").GetString(), Is.EqualTo("environment"));
        Assert.That(text.Stdout, Does.Contain("Source      environment (AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN; --profile NAME answers for a profile)"));
        Assert.That(forProfile.ExitCode, Is.Zero, forProfile.ToString());
        using var profile = JsonDocument.Parse(forProfile.Stdout);
        Assert.That(profile.RootElement.GetProperty("Arn").GetString(), Is.EqualTo("arn:aws:iam::123456789012:user/alice"), "--profile answers for the profile");
        Assert.That(withRole.Stdout, Does.Not.Contain("\"environment\""), "--role-arn asks for the pipeline, never silently dropped");
        Assert.That(withRole.ExitCode, Is.EqualTo(2), withRole.ToString());
        Assert.That(withRole.Stderr, Does.Contain("hold session credentials"));
    }

    [Test]
    public async Task A_session_inside_the_margin_is_shown_as_due_for_renewal_and_the_summary_comes_last()
    {
        var seed = await Tool.RunAsync(null, "session", "get", "--profile", "base", "--endpoint-url", Aws.Url, "-t", "123456");
        Assert.That(seed.ExitCode, Is.Zero, seed.ToString());
        // An hour's session with an hour's margin: what is left is no longer served.
        Tool.Environment["AWSMFA_EXPIRY_MARGIN"] = "3600";

        var list = await Tool.RunAsync(null, "session", "list");
        var json = await Tool.RunAsync(null, "session", "list", "-o", "json");
        var doctor = await Tool.RunProgramAsync("sh", "-c", $"{ToolProcess.ShellCommand} doctor --profile base --endpoint-url {Aws.Url} 2>&1");

        Assert.That(list.Stdout, Does.Match(@"\d+m \(renews\)"), list.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.That(document.RootElement[0].GetProperty("Renews").GetBoolean(), Is.True);
            Assert.That(document.RootElement[0].GetProperty("Expired").GetBoolean(), Is.False);
        }

        var lines = doctor.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.Contains("the MFA session: cached until").And.Contains("margin: the next command renews it"), doctor.ToString());
        Assert.That(lines[^1], Does.StartWith("awsmfa: doctor: "), "the summary is the last line, as docs/doctor.md shows it");
    }

    [Test]
    public async Task A_profile_named_by_aws_profile_that_is_not_there_names_the_variable()
    {
        Tool.Environment["AWS_PROFILE"] = "nosuch";

        var result = await Tool.RunAsync(null, "session", "get", "--endpoint-url", Aws.Url);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("awsmfa: profile 'nosuch' (from AWS_PROFILE) was not found in "));
    }

    [Test]
    public async Task The_readmes_credential_process_profile_is_served_as_the_profile_it_names()
    {
        // The README's own [profile mfa], with a region of its own.
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), """

            [profile mfa]
            region = ap-south-1
            credential_process = awsmfa session get --profile base --output credential-process
            """);
        Tool.Environment["AWS_ENDPOINT_URL"] = Aws.Url;
        Tool.Environment["AWS_PROFILE"] = "mfa";

        var session = await Tool.RunAsync(null, "session", "get", "-t", "123456");
        var list = await Tool.RunAsync(null, "profile", "list", "-o", "json");
        var (exit, checks, doctor) = await DoctorAsync("--profile", "mfa");

        Assert.That(session.ExitCode, Is.Zero, session.ToString());
        Assert.That(session.Stdout, Does.Contain("export AWS_REGION='ap-south-1'"), "the mfa profile's own region");
        Assert.That(Aws.Calls.Single().SignedBy, Is.EqualTo(ToolProcess.AccessKeyId), "base's keys, in this process: no awsmfa started");
        using var json = JsonDocument.Parse(list.Stdout);
        var row = json.RootElement.EnumerateArray().Single(r => r.GetProperty("Profile").GetString() == "mfa");
        Assert.That(row.GetProperty("Kind").GetString(), Is.EqualTo("awsmfa"));
        Assert.That(row.GetProperty("Source").GetString(), Is.EqualTo("base"));
        Assert.That(row.GetProperty("SessionExpiration").GetString(), Does.Match(@"^\d{4}-"), "base's cached session");
        Assert.That(checks.Where(c => c.Status == "fail"), Is.Empty, doctor.ToString());
        Assert.That(checks.Select(c => c.Message), Has.None.Contains("add mfa_serial"));
    }

    [Test]
    public async Task Profile_list_shows_no_default_header_and_no_profile_as_its_own_source()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), """

            [DEFAULT]
            region = us-east-1

            [profile self]
            role_arn = arn:aws:iam::210987654321:role/self
            source_profile = self
            mfa_serial = arn:aws:iam::123456789012:mfa/alice
            """);
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "credentials"), "\n[self]\naws_access_key_id = AKIASELFSOURCE000001\naws_secret_access_key = SelfSecretValue0000000000000000000001\n");

        var result = await Tool.RunAsync(null, "profile", "list", "-o", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("Profile").GetString()!, r => r);
        Assert.That(rows.Keys, Has.None.EqualTo("DEFAULT"));
        Assert.That(rows["self"].GetProperty("Kind").GetString(), Is.EqualTo("role"));
        Assert.That(rows["self"].GetProperty("Source").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Profile_list_shows_every_profile_with_its_kind_and_the_cached_session()
    {
        // A session answers for the endpoint it was minted through: both runs name the same one.
        Tool.Environment["AWS_ENDPOINT_URL"] = Aws.Url;
        await Tool.RunAsync(null, "session", "get", "--profile", "base", "-t", "123456");

        var result = await Tool.RunAsync(null, "profile", "list", "-o", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("Profile").GetString()!, r => r);
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "base", "admin", "orphan" }));
        Assert.That(rows["base"].GetProperty("Kind").GetString(), Is.EqualTo("keys"));
        Assert.That(rows["base"].GetProperty("SessionExpiration").GetString(), Does.Match(@"^\d{4}-"), "the cached MFA session");
        Assert.That(rows["admin"].GetProperty("Kind").GetString(), Is.EqualTo("role"));
        Assert.That(rows["admin"].GetProperty("Source").GetString(), Is.EqualTo("base"));
        Assert.That(rows["admin"].GetProperty("MfaSerial").GetString(), Is.EqualTo(ToolProcess.Serial));
        Assert.That(rows["admin"].GetProperty("Region").GetString(), Is.EqualTo("eu-west-1"));
        Assert.That(rows["admin"].GetProperty("SessionExpiration").ValueKind, Is.EqualTo(JsonValueKind.Null), "the role is not cached yet");
        Assert.That(rows["orphan"].GetProperty("Kind").GetString(), Is.EqualTo("role (broken)"));
    }

    [Test]
    public async Task A_region_that_is_not_a_region_is_reported_not_a_crash()
    {
        Tool.Environment["AWS_REGION"] = "us east 1";

        var result = await Tool.RunAsync(null, TimeSpan.FromSeconds(30), "doctor", "--profile", "base", "--endpoint-url", Aws.Url);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Does.Contain("fail  profile: AWS_REGION / AWS_DEFAULT_REGION is not a valid region"));
        Assert.That(result.Stderr, Does.Not.Contain("bug"));
    }

    [Test]
    public async Task An_mfa_process_that_is_not_there_and_a_chained_role_over_an_hour_fail()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), """

            [profile base]
            mfa_process = /nonexistent/ykman oath accounts code
            [profile deep]
            role_arn = arn:aws:iam::210987654321:role/deep
            source_profile = admin
            duration_seconds = 7200
            """);

        var (exit, checks, result) = await DoctorAsync("--profile", "deep");

        Assert.That(exit, Is.EqualTo(1), result.ToString());
        Assert.That(checks, Does.Contain(("mfa_process", "fail", "mfa_process names /nonexistent/ykman, which is not an executable file on PATH or at that path")));
        Assert.That(checks.Single(c => c.Check == "roles"), Is.EqualTo(("roles", "fail", "role profile 'deep' asks for 2h00m, but a role assumed with another role's credentials lasts at most 1h: set duration_seconds = 3600 or less")));
        Assert.That(Aws.RequestsFor("GetSessionToken") + Aws.RequestsFor("AssumeRole"), Is.Zero);
    }

    [Test]
    public async Task A_clock_two_minutes_off_warns_without_failing()
    {
        Aws.ClockAhead = TimeSpan.FromMinutes(2);

        var (exit, checks, result) = await DoctorAsync("--profile", "base");

        var clock = checks.Single(c => c.Check == "clock");
        Assert.That(clock.Status, Is.EqualTo("warn"), result.ToString());
        Assert.That(clock.Message, Does.Match(@"^this computer's clock is (1m5\d|2m0\d)s? behind STS's: close to the 5 minutes AWS allows; set it right \(timedatectl set-ntp true\)$"));
        Assert.That(checks.Where(c => c.Status == "fail"), Is.Empty, result.ToString());
        Assert.That(exit, Is.Zero, "warnings alone do not fail doctor");
    }

    [Test]
    public async Task An_mfa_process_that_is_there_but_not_executable_fails_and_one_that_is_passes()
    {
        var program = Path.Combine(Tool.Home, "totp");
        File.WriteAllText(program, "#!/bin/sh\necho 123456\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), $"\n[profile base]\nmfa_process = {program} --account aws\n");

        var (_, before, _) = await DoctorAsync("--profile", "base");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (_, after, _) = await DoctorAsync("--profile", "base");

        Assert.That(before.Single(c => c.Check == "mfa_process"), Is.EqualTo(("mfa_process", "fail", $"mfa_process names {program}, which is not an executable file on PATH or at that path")));
        Assert.That(after.Single(c => c.Check == "mfa_process"), Is.EqualTo(("mfa_process", "ok", $"mfa_process runs {program}")));
        Assert.That(Aws.RequestsFor("GetSessionToken"), Is.Zero, "doctor runs no mfa_process and spends no code");
    }

    [Test]
    public async Task A_first_role_over_an_hour_warns_that_it_needs_a_code_each_time()
    {
        File.AppendAllText(Path.Combine(Tool.AwsFolder, "config"), """

            [profile long]
            role_arn = arn:aws:iam::210987654321:role/long
            source_profile = base
            duration_seconds = 10800
            """);

        var (_, checks, result) = await DoctorAsync("--profile", "long");

        Assert.That(
            checks.Single(c => c.Check == "roles"),
            Is.EqualTo(("roles", "warn", "role profile 'long' asks for 3h00m, longer than a chained role may last: each time it is assumed straight from the long-term keys, with a new code")),
            result.ToString());
    }
}
