using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

[TestFixture]
[Category("Unit")]
public sealed class SessionGetTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost().WithBaseProfile();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task Fetches_a_session_with_the_code_and_prints_shell_exports()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "--token-code", "123456");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo(
            "export AWS_ACCESS_KEY_ID='ASIASESSION000000001'\n" +
            "export AWS_SECRET_ACCESS_KEY='SessionSecretPart1'\n" +
            "export AWS_SESSION_TOKEN='SessionTokenPart1'\n" +
            "export AWS_CREDENTIAL_EXPIRATION='2026-11-28T13:00:00Z'\n"));
        var request = _host.Aws.StsRequests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.TokenCode, Is.EqualTo("123456"));
            Assert.That(request.SerialNumber, Is.EqualTo(TestHost.Serial));
            Assert.That(request.DurationSeconds, Is.EqualTo(3600));
            Assert.That(_host.Aws.StsClients.Single().Credentials.SecretAccessKey, Is.EqualTo(TestHost.SecretAccessKey));
            Assert.That(result.Stderr, Does.Contain("session for profile 'base' (arn:aws:iam::123456789012:mfa/alice) valid until 2026-11-28T13:00:00Z (1h00m left), new from STS"));
        });
    }

    [Test]
    public async Task Second_run_is_served_from_the_cache_without_a_code()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        var second = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(second.Stdout, Does.Contain("export AWS_SESSION_TOKEN='SessionTokenPart1'"));
        Assert.That(second.Stderr, Does.Contain("from the cache"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
        Assert.That(_host.Terminal.Shown, Is.Empty, "no prompt when the cache serves");
    }

    [Test]
    public async Task A_session_minted_through_another_endpoint_answers_only_for_that_endpoint()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--endpoint-url", "http://127.0.0.1:4566");
        _host.Environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566/";
        var sameThroughTheVariable = await _host.RunAsync("session", "get", "--profile", "base");
        _host.Environment["AWS_ENDPOINT_URL"] = null;

        var forAws = await _host.RunAsync("session", "get", "--profile", "base", "-t", "654321");

        Assert.That(sameThroughTheVariable.Stderr, Does.Contain("from the cache"), sameThroughTheVariable.ToString());
        Assert.That(forAws.ExitCode, Is.Zero, forAws.ToString());
        Assert.That(forAws.Stderr, Does.Contain("new from STS"), "the emulator's session is not served for AWS itself");
        Assert.That(_host.Aws.StsRequests.Select(r => r.TokenCode), Is.EqualTo(new[] { "123456", "654321" }));
    }

    [TestCase("endpoint_url = https://sts.eu-west-1.amazonaws.com", true)]
    [TestCase("endpoint_url = https://sts-fips.us-east-1.amazonaws.com/", true)]
    [TestCase("endpoint_url = http://127.0.0.1:4566", false)]
    [TestCase("services = local", false)]
    public async Task A_session_answers_for_aws_itself_whatever_aws_host_a_profile_names(string setting, bool sameAsAws)
    {
        _host.WriteConfig($"[profile base]\nregion = eu-west-1\n{setting}\n\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:4566\n");
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");
        _host.WriteConfig("[profile base]\nregion = eu-west-1\n");

        var plain = await _host.RunAsync("session", "get", "--profile", "base", "-t", "654321");

        Assert.That(plain.ExitCode, Is.Zero, plain.ToString());
        Assert.That(plain.Stderr, Does.Contain(sameAsAws ? "from the cache" : "new from STS"));
    }

    [Test]
    public async Task A_cache_hit_creates_no_aws_client_and_opens_no_keyring_or_dialog()
    {
        _host.Dialog = new FakeDesktopPrompt();
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");
        var clients = _host.Aws.StsClients.Count + _host.Aws.RoleStsClients.Count + _host.Aws.Ec2Clients.Count;

        foreach (var args in new[] { new[] { "session", "get", "--profile", "base" }, ["eks", "token", "--cluster-name", "c", "--profile", "base", "--region", "eu-west-1"] })
        {
            var hit = await _host.RunAsync(args);
            Assert.That(hit.ExitCode, Is.Zero, hit.ToString());
        }

        Assert.That(_host.Aws.StsClients.Count + _host.Aws.RoleStsClients.Count + _host.Aws.Ec2Clients.Count, Is.EqualTo(clients), "the cache answers: no AWS client is made");
        Assert.That(_host.Keyring.Opens, Is.Zero);
        Assert.That(_host.Dialog.Asked, Is.Empty);
        Assert.That(_host.Terminal.Shown, Is.Empty);
    }

    [Test]
    public async Task Reuses_cached_session_until_five_minutes_before_expiry()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        _host.Clock.Advance(TimeSpan.FromMinutes(54));
        var stillCached = await _host.RunAsync("session", "get", "--profile", "base");
        _host.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var expiring = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(stillCached.ExitCode, Is.Zero, stillCached.ToString());
        Assert.That(expiring.ExitCode, Is.EqualTo(2), "inside the margin a new code is needed and none can be had");
        Assert.That(expiring.Stderr, Does.Contain("an MFA code is needed and there is no terminal"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Expiry_margin_is_configurable()
    {
        _host.Environment["AWSMFA_EXPIRY_MARGIN"] = "30m";
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        _host.Clock.Advance(TimeSpan.FromMinutes(31));
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "654321");

        Assert.That(result.Stderr, Does.Contain("new from STS"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(2));
    }

    [Test]
    public async Task Refresh_ignores_a_valid_entry_and_replaces_it()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        var refreshed = await _host.RunAsync("session", "get", "--profile", "base", "-t", "654321", "--refresh");
        var after = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(refreshed.Stdout, Does.Contain("SessionTokenPart2"));
        Assert.That(after.Stdout, Does.Contain("SessionTokenPart2"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(2));
    }

    [Test]
    public async Task No_cache_neither_reads_nor_writes()
    {
        // Entries only: the memory of spent codes (*.state) still protects a --no-cache run.
        IEnumerable<string> Entries() => _host.CacheFiles().Where(f => f.EndsWith(".json", StringComparison.Ordinal));
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");
        var before = Entries().Select(File.ReadAllText).ToList();

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "654321", "--no-cache");

        Assert.That(result.Stdout, Does.Contain("SessionTokenPart2"));
        Assert.That(before, Has.Count.EqualTo(1));
        Assert.That(Entries().Select(File.ReadAllText).ToList(), Is.EqualTo(before));
    }

    [Test]
    public async Task Quiet_drops_the_status_line_but_not_the_output()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--quiet");

        Assert.That(result.Stderr, Is.Empty);
        Assert.That(result.Stdout, Does.StartWith("export AWS_ACCESS_KEY_ID="));
    }

    [Test]
    public async Task Code_is_asked_on_the_terminal_when_none_is_given_and_bad_answers_are_asked_again()
    {
        _host.Terminal.Answer("12345", "١٢٣٤٥٦", " 246810 ");

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsRequests.Single().TokenCode, Is.EqualTo("246810"));
        Assert.That(_host.Terminal.Shown.Count(s => s == $"MFA code for {TestHost.Serial}: "), Is.EqualTo(3));
        Assert.That(result.Stdout, Does.Not.Contain("MFA code"), "prompts never go to stdout");
    }

    [Test]
    public async Task No_code_and_no_terminal_fails_at_once_with_exit_2()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Is.EqualTo(
            "awsmfa: an MFA code is needed and there is no terminal to ask, nor a desktop dialog (DISPLAY and zenity or kdialog): pass --token-code CODE, --token-code - (one line on stdin), set AWSMFA_TOKEN_CODE, or set mfa_process in the profile\n"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task Token_code_option_beats_stdin_environment_and_terminal()
    {
        _host.Stdin = "222222\n";
        _host.Environment["AWSMFA_TOKEN_CODE"] = "333333";
        _host.Terminal.Answer("444444");

        await _host.RunAsync("session", "get", "--profile", "base", "-t", "111111");

        Assert.That(_host.Aws.StsRequests.Single().TokenCode, Is.EqualTo("111111"));
    }

    [Test]
    public async Task Token_code_dash_reads_one_line_from_stdin_before_the_environment()
    {
        _host.Stdin = " 222222 \nignored\n";
        _host.Environment["AWSMFA_TOKEN_CODE"] = "333333";

        await _host.RunAsync("session", "get", "--profile", "base", "-t", "-");

        Assert.That(_host.Aws.StsRequests.Single().TokenCode, Is.EqualTo("222222"));
    }

    [Test]
    public async Task Environment_code_beats_the_terminal()
    {
        _host.Environment["AWSMFA_TOKEN_CODE"] = "333333";
        _host.Terminal.Answer("444444");

        await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(_host.Aws.StsRequests.Single().TokenCode, Is.EqualTo("333333"));
        Assert.That(_host.Terminal.Shown, Is.Empty);
    }

    [TestCase("12345")]
    [TestCase("1234567")]
    [TestCase("12a456")]
    [TestCase("١٢٣٤٥٦")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("123456; rm -rf ~")]
    public async Task Invalid_code_option_is_exit_2_before_any_network_call(string code)
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "--token-code", code);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("--token-code is not a valid MFA code"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [TestCase("12345")]
    [TestCase("١٢٣٤٥٦")]
    public async Task Invalid_code_in_environment_or_stdin_is_exit_2(string code)
    {
        _host.Environment["AWSMFA_TOKEN_CODE"] = code;
        var fromEnvironment = await _host.RunAsync("session", "get", "--profile", "base");
        _host.Environment["AWSMFA_TOKEN_CODE"] = null;
        _host.Stdin = code + "\n";
        var fromStdin = await _host.RunAsync("session", "get", "--profile", "base", "-t", "-");

        Assert.That(fromEnvironment.ExitCode, Is.EqualTo(2));
        Assert.That(fromEnvironment.Stderr, Does.Contain("AWSMFA_TOKEN_CODE is not a valid MFA code"));
        Assert.That(fromStdin.ExitCode, Is.EqualTo(2));
        Assert.That(fromStdin.Stderr, Does.Contain("the line on stdin is not a valid MFA code"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [TestCase("900", 900)]
    [TestCase("15m", 900)]
    [TestCase("1h", 3600)]
    [TestCase("36h", 129600)]
    [TestCase("7200s", 7200)]
    public async Task Duration_takes_seconds_or_units(string duration, int seconds)
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--duration", duration);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(_host.Aws.StsRequests.Single().DurationSeconds, Is.EqualTo(seconds));
    }

    [TestCase("899")]
    [TestCase("129601")]
    [TestCase("37h")]
    [TestCase("1d")]
    [TestCase("-900")]
    [TestCase("99999999999999")]
    [TestCase("h")]
    public async Task Duration_out_of_range_is_exit_2_before_any_network_call(string duration)
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--duration", duration);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("--duration must be from 900 (15m) to 129600 (36h) seconds"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task Duration_defaults_to_the_profiles_duration_seconds()
    {
        _host.WriteConfig("[profile base]\nduration_seconds = 7200\n");

        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(_host.Aws.StsRequests.Single().DurationSeconds, Is.EqualTo(7200));
    }

    [Test]
    public async Task Invalid_duration_seconds_in_the_profile_is_exit_2()
    {
        _host.WriteConfig("[profile base]\nduration_seconds = 60\n");

        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("duration_seconds in profile 'base' must be from 900"));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task Verbose_says_where_a_cache_hit_came_from()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        var hit = await _host.RunAsync("session", "get", "--profile", "base", "--verbose");

        Assert.That(hit.Stderr, Does.Contain("[verbose] served from the cache (" + _host.CacheFolder));
    }

    [Test]
    public async Task Refresh_with_a_spent_code_does_not_blame_another_process()
    {
        await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        var again = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--refresh", "--verbose");

        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(again.Stderr, Does.Contain("already holds credentials minted with this MFA code (an earlier or parallel run)"));
        Assert.That(again.Stderr, Does.Not.Contain("another awsmfa process"));
        Assert.That(_host.Aws.StsCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Verbose_masks_the_long_term_access_key_id()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--verbose");

        Assert.That(result.Stderr, Does.Contain("with access key AKIA...MPLE"));
        Assert.That(result.Stderr, Does.Not.Contain(TestHost.AccessKeyId));
    }
}
