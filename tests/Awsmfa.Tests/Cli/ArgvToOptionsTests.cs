using Awsmfa.Cli.Completion;
using Awsmfa.Cli.Console;
using Awsmfa.Cli.Doctor;
using Awsmfa.Cli.Ec2;
using Awsmfa.Cli.Eks;
using Awsmfa.Cli.Exec;
using Awsmfa.Cli.Init;
using Awsmfa.Cli.Keys;
using Awsmfa.Cli.Login;
using Awsmfa.Cli.Mfa;
using Awsmfa.Cli.Profile;
using Awsmfa.Cli.Session;
using Awsmfa.Cli.Sso;
using Awsmfa.Cli.Whoami;
using Awsmfa.Cli;
using Awsmfa.Credentials;
using Awsmfa.Ec2;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Cli;

/// <summary>A command's definition reads argv into its options record, with no handler, service or AWS call.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ArgvToOptionsTests
{
    [Test]
    public void Ec2_list_reads_its_filters_regions_format_and_the_pipeline_options()
    {
        using var host = new TestHost();
        var definition = new ListInstancesDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", "prod", "--state", "running", "--tag", "env=prod", "--region", "eu-west-1", "-o", "json", "-d", "15m"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline.Profile, Is.EqualTo("prod"));
        Assert.That(options.Pipeline.DurationSeconds, Is.EqualTo(900));
        Assert.That(options.Regions, Is.EqualTo(new[] { "eu-west-1" }));
        Assert.That(options.AllRegions, Is.False);
        Assert.That(options.Format, Is.EqualTo(InstanceFormat.Json));
        Assert.That(options.Request.Filters.Select(f => (f.Name, string.Join(",", f.Values))), Is.EqualTo(new[] { ("instance-state-name", "running"), ("tag:env", "prod") }));
    }

    [Test]
    public void Pipeline_options_read_trimmed_values_and_defaults()
    {
        using var host = new TestHost();
        var definitions = new PipelineOptionDefinitions(host.Services().Profiles);
        var command = new System.CommandLine.Command("probe");
        foreach (var option in new System.CommandLine.Option[] { definitions.Profile, definitions.TokenCode, definitions.Region, definitions.RoleArn })
        {
            command.Options.Add(option);
        }

        var options = definitions.Read(command.Parse(["--profile", " work ", "-t", "123456", "--role-arn", "arn:aws:iam::123456789012:role/admin"]));

        Assert.That(options, Is.EqualTo(new PipelineOptions(Profile: "work", TokenCode: "123456", RoleArn: "arn:aws:iam::123456789012:role/admin")));
    }

    [Test]
    public void Session_get_reads_the_pipeline_options_the_format_and_the_command_that_loads_the_session()
    {
        using var host = new TestHost();
        var definition = new SessionGetDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " work ", "-t", "123456", "--region", "eu-west-1", "-o", "FISH"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline, Is.EqualTo(new PipelineOptions(Profile: "work", TokenCode: "123456", Region: "eu-west-1")));
        Assert.That(options.Format, Is.EqualTo(SessionFormat.Fish));
        // The code is spent, so it is not part of the command that loads the session again.
        Assert.That(options.LoadCommand(), Is.EqualTo("awsmfa session get --profile ' work ' --region eu-west-1 -o FISH | source"));
    }

    [Test]
    public void Session_get_with_no_options_prints_env_exports_of_the_default_profile()
    {
        using var host = new TestHost();
        var definition = new SessionGetDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse([]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline, Is.EqualTo(new PipelineOptions()));
        Assert.That(options.Format, Is.EqualTo(SessionFormat.Env));
        Assert.That(options.LoadCommand(), Is.EqualTo("eval \"$(awsmfa session get)\""));
    }

    [Test]
    public void Session_get_refuses_an_unknown_output_format()
    {
        using var host = new TestHost();
        var definition = new SessionGetDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["-o", "yaml"]);

        Assert.That(parsed.Errors.Select(e => e.Message), Has.Some.StartsWith("--output 'yaml' is not one of: env, dotenv, fish, powershell, json, credential-process"));
    }

    [TestCase(new string[0], "Table")]
    [TestCase(new[] { "-o", "json" }, "Json")]
    [TestCase(new[] { "--output", " TABLE " }, "Table")]
    public void Session_list_reads_its_format(string[] args, string format)
    {
        var definition = new SessionListDefinition();

        var parsed = definition.Command.Parse(args);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new SessionListOptions(Enum.Parse<ListFormat>(format))));
    }

    [TestCase(new string[0], null)]
    [TestCase(new[] { "--profile", " work " }, "work")]
    [TestCase(new[] { "--profile", "env" }, "env")]
    public void Session_clear_reads_the_one_profile_trimmed_or_none_for_all(string[] args, string? profile)
    {
        using var host = new TestHost();
        var definition = new SessionClearDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(args);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new SessionClearOptions(profile)));
    }

    [TestCase("--stdin", "Stdin")]
    [TestCase("--from-env", "Environment")]
    [TestCase(null, "Terminal")]
    public void Keys_add_reads_the_profile_trimmed_and_where_the_keys_come_from(string? from, string input)
    {
        using var host = new TestHost();
        var definition = new KeysAddDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(from is null ? ["--profile", " work "] : ["--profile", " work ", from, "-y"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new KeysAddOptions("work", Enum.Parse<KeysInput>(input), Yes: from is not null)));
    }

    [TestCase(new[] { "--profile", "work", "--stdin", "--from-env" }, "--stdin and --from-env do not go together: take the keys from one place")]
    [TestCase(new[] { "--profile", "no spaces" }, "--profile is not valid: ")]
    [TestCase(new[] { "--stdin" }, "Option '--profile' is required.")]
    public void Keys_add_refuses_two_sources_a_bad_profile_name_and_no_profile(string[] args, string error)
    {
        using var host = new TestHost();
        var definition = new KeysAddDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(args);

        Assert.That(parsed.Errors.Select(e => e.Message), Has.Some.StartsWith(error));
    }

    [TestCase(new string[0], "Table")]
    [TestCase(new[] { "-o", " json " }, "Json")]
    public void Keys_list_reads_its_format(string[] args, string format)
    {
        var definition = new KeysListDefinition();

        var parsed = definition.Command.Parse(args);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new KeysListOptions(Enum.Parse<ListFormat>(format))));
    }

    [TestCase(new[] { "--profile", " prod " }, "prod", false)]
    [TestCase(new[] { "--profile", "prod", "--yes" }, "prod", true)]
    [TestCase(new[] { "-y", "--profile", "team.prod" }, "team.prod", true)]
    public void Keys_remove_and_import_read_the_profile_trimmed_and_whether_to_ask(string[] args, string profile, bool yes)
    {
        using var host = new TestHost();
        var remove = new KeysRemoveDefinition(host.Services().Profiles);
        var import = new KeysImportDefinition(host.Services().Profiles);

        var removeParsed = remove.Command.Parse(args);
        var importParsed = import.Command.Parse(args);

        Assert.That(removeParsed.Errors, Is.Empty);
        Assert.That(importParsed.Errors, Is.Empty);
        Assert.That(remove.Read(removeParsed), Is.EqualTo(new KeysRemoveOptions(profile, yes)));
        Assert.That(import.Read(importParsed), Is.EqualTo(new KeysImportOptions(profile, yes)));
    }

    [Test]
    public void Keys_rotate_reads_the_profile_and_the_options_of_its_mfa_session()
    {
        using var host = new TestHost();
        var definition = new KeysRotateDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse([
            "--profile", " work ", "-t", "123456", "--serial-number", " arn:aws:iam::123456789012:mfa/alice ",
            "--endpoint-url", "http://127.0.0.1:5000", "--request-timeout", "30s"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new KeysRotateOptions(
            "work", "123456", "arn:aws:iam::123456789012:mfa/alice", new Uri("http://127.0.0.1:5000"), TimeSpan.FromSeconds(30))));
    }

    [Test]
    public void Keys_rotate_without_options_of_its_own_asks_for_nothing_but_the_profile()
    {
        using var host = new TestHost();
        var definition = new KeysRotateDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", "work"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new KeysRotateOptions("work", null, null, null, null)));
        Assert.That(definition.Command.Parse(["--profile", "work", "--region", "eu-west-1"]).Errors, Is.Not.Empty);
    }

    [Test]
    public void Eks_token_reads_the_cluster_and_the_pipeline_options()
    {
        using var host = new TestHost();
        var definition = new EksTokenDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--cluster-name", "prod-1", "--profile", " work ", "--region", "eu-west-1", "--role-arn", "arn:aws:iam::123456789012:role/admin"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new EksTokenOptions(
            new PipelineOptions(Profile: "work", Region: "eu-west-1", RoleArn: "arn:aws:iam::123456789012:role/admin"), "prod-1")));
    }

    [TestCase(new[] { "--cluster-name", "_prod" }, "--cluster-name is not valid: an EKS cluster name is 1 to 100 letters")]
    [TestCase(new[] { "--cluster-name", "prod.eu" }, "--cluster-name is not valid: an EKS cluster name is 1 to 100 letters")]
    [TestCase(new[] { "--profile", "work" }, "Option '--cluster-name' is required.")]
    public void Eks_token_refuses_a_cluster_name_eks_would_not_have_or_none(string[] args, string error)
    {
        using var host = new TestHost();
        var definition = new EksTokenDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(args);

        Assert.That(parsed.Errors.Select(e => e.Message), Has.Some.StartsWith(error));
    }

    [Test]
    public void Eks_update_kubeconfig_reads_the_file_the_names_and_the_pipeline_options()
    {
        using var host = new TestHost();
        var definition = new UpdateKubeconfigDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse([
            "--cluster-name", "prod", "--kubeconfig", "/tmp/kube config", "--alias", "prod-ctx", "--user-alias", "me@prod", "--profile", " work ", "-d", "1h"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new UpdateKubeconfigOptions(
            new PipelineOptions(Profile: "work", DurationSeconds: 3600), "prod", "/tmp/kube config", "prod-ctx", "me@prod")));
    }

    [Test]
    public void Eks_update_kubeconfig_leaves_the_file_and_names_to_their_defaults()
    {
        using var host = new TestHost();
        var definition = new UpdateKubeconfigDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--cluster-name", "prod"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new UpdateKubeconfigOptions(new PipelineOptions(), "prod", Kubeconfig: null, Alias: null, UserAlias: null)));
    }

    [Test]
    public void Exec_reads_the_command_after_the_double_dash_as_the_commands_own()
    {
        using var host = new TestHost();
        var definition = new ExecDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " work ", "--server", "-q", "--", "aws", "s3", "ls", "--profile", "other"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline, Is.EqualTo(new PipelineOptions(Profile: "work")));
        Assert.That(options.Command, Is.EqualTo(new[] { "aws", "s3", "ls", "--profile", "other" }));
        Assert.That((options.Server, options.AllowNested, parsed.GetValue(definition.Quiet)), Is.EqualTo((true, false, true)));
    }

    [Test]
    public void Exec_with_no_command_starts_the_shell_with_the_session_in_its_environment()
    {
        using var host = new TestHost();
        var definition = new ExecDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse([]);
        var options = definition.Read(parsed);
        var nested = definition.Read(definition.Command.Parse(["--allow-nested"]));

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline, Is.EqualTo(new PipelineOptions()));
        Assert.That(options.Command, Is.Empty);
        Assert.That((options.Server, options.AllowNested, parsed.GetValue(definition.Quiet)), Is.EqualTo((false, false, false)));
        Assert.That((nested.Server, nested.AllowNested), Is.EqualTo((false, true)));
    }

    [TestCase("--duration", "5s")]
    [TestCase("--token-code", "12345")]
    public void Exec_refuses_a_bad_pipeline_value_before_running_anything(string option, string value)
    {
        using var host = new TestHost();
        var definition = new ExecDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse([option, value, "--", "true"]);

        Assert.That(parsed.Errors.Select(e => e.Message), Has.Some.StartsWith(option));
    }

    [Test]
    public void Console_reads_the_service_printing_instead_of_opening_and_a_twelve_hour_session()
    {
        using var host = new TestHost();
        var definition = new ConsoleDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " prod ", "--service", "ec2", "--stdout", "-d", "12h"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new ConsoleOptions(new PipelineOptions(Profile: "prod", DurationSeconds: 43200), "ec2", null, Stdout: true)));
    }

    [Test]
    public void Console_opens_a_path_in_the_browser_with_the_kinds_default_duration()
    {
        using var host = new TestHost();
        var definition = new ConsoleDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--path", "/iam/home#/users"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new ConsoleOptions(new PipelineOptions(), null, "/iam/home#/users", Stdout: false)));
    }

    [TestCase(new[] { "-d", "13h" }, "--duration for the console is at most 12h (43200 s), the console's own limit")]
    [TestCase(new[] { "--service", "EC2" }, "--service is a console service name such as ec2, s3 or cloudwatch")]
    [TestCase(new[] { "--path", "//evil.example" }, "--path is a console path that starts with /")]
    [TestCase(new[] { "--service", "ec2", "--path", "/s3/buckets" }, "--service and --path do not go together: name a service, or a path")]
    public void Console_refuses_what_the_console_would_not_open(string[] args, string error)
    {
        using var host = new TestHost();
        var definition = new ConsoleDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(args);

        Assert.That(parsed.Errors.Select(e => e.Message), Has.Some.StartsWith(error));
    }

    [Test]
    public void Whoami_reads_the_pipeline_options_and_its_format()
    {
        using var host = new TestHost();
        var definition = new WhoamiDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " work ", "--role-arn", " arn:aws:iam::123456789012:role/admin ", "-o", "Json"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new WhoamiOptions(new PipelineOptions(Profile: "work", RoleArn: "arn:aws:iam::123456789012:role/admin"), WhoamiFormat.Json)));
    }

    [Test]
    public void Whoami_with_no_options_answers_in_text_for_whatever_the_shell_has()
    {
        using var host = new TestHost();
        var definition = new WhoamiDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse([]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new WhoamiOptions(new PipelineOptions(), WhoamiFormat.Text)));
        Assert.That(definition.Command.Parse(["-o", "yaml"]).Errors.Select(e => e.Message), Has.Some.StartsWith("--output 'yaml' is not one of: text, json"));
    }

    [Test]
    public void Doctor_reads_the_profile_and_endpoint_trimmed_and_its_format()
    {
        using var host = new TestHost();
        var definition = new DoctorDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " prod ", "--endpoint-url", " http://127.0.0.1:5000 ", "-o", "json"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new DoctorOptions("prod", new Uri("http://127.0.0.1:5000"), DoctorFormat.Json)));
    }

    [Test]
    public void Doctor_with_no_options_checks_the_default_profile_against_aws_in_text()
    {
        using var host = new TestHost();
        var definition = new DoctorDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse([]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new DoctorOptions(null, null, DoctorFormat.Text)));
    }

    [TestCase("ftp://127.0.0.1:21")]
    [TestCase("127.0.0.1:5000")]
    public void Doctor_refuses_an_endpoint_that_is_not_an_http_url(string endpoint)
    {
        using var host = new TestHost();
        var definition = new DoctorDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--endpoint-url", endpoint]);

        Assert.That(parsed.Errors.Select(e => e.Message), Has.Some.StartsWith("--endpoint-url must be an absolute http:// or https:// URL"));
    }

    [TestCase(new string[0], "Table")]
    [TestCase(new[] { "--output", "JSON" }, "Json")]
    public void Profile_list_reads_its_format(string[] args, string format)
    {
        var definition = new ProfileListDefinition();

        var parsed = definition.Command.Parse(args);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new ProfileListOptions(Enum.Parse<ListFormat>(format))));
        Assert.That(definition.Command.Parse(["-o", "csv"]).Errors.Select(e => e.Message), Has.Some.StartsWith("--output 'csv' is not one of: table, json"));
    }

    [TestCase("bash")]
    [TestCase("powershell")]
    public void Completion_reads_the_shell(string shell)
    {
        var definition = new CompletionDefinition();

        var parsed = definition.Command.Parse([shell]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(definition.Read(parsed), Is.EqualTo(new CompletionOptions(shell)));
    }

    [Test]
    public void Completion_refuses_a_shell_it_has_no_script_for()
    {
        var definition = new CompletionDefinition();

        Assert.That(definition.Command.Parse(["tcsh"]).Errors.Select(e => e.Message), Has.Some.StartsWith("shell 'tcsh' is not one of: bash, zsh, fish, powershell"));
        Assert.That(definition.Command.Parse([]).Errors, Is.Not.Empty);
    }

    [Test]
    public void Init_reads_the_profile_trimmed_the_endpoint_and_the_timeout_and_asks_for_the_rest()
    {
        using var host = new TestHost();
        var definition = new InitDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " work ", "--endpoint-url", "http://127.0.0.1:5000", "--request-timeout", "30s"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options, Is.EqualTo(new InitOptions("work", new Uri("http://127.0.0.1:5000"), TimeSpan.FromSeconds(30))));
        Assert.That(definition.Read(definition.Command.Parse([])), Is.EqualTo(new InitOptions(null, null, null)));
        Assert.That(definition.Command.Parse(["--region", "eu-west-1"]).Errors, Is.Not.Empty, "the region is asked, and checked, on the terminal");
    }

    [Test]
    public void Mfa_list_reads_the_profile_endpoint_and_format()
    {
        using var host = new TestHost();
        var definition = new MfaListDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--profile", " alice ", "--endpoint-url", "http://127.0.0.1:5000", "-o", "json"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Pipeline.Profile, Is.EqualTo("alice"));
        Assert.That(options.Pipeline.EndpointUrl, Is.EqualTo(new Uri("http://127.0.0.1:5000")));
        Assert.That(options.Format, Is.EqualTo(MfaListFormat.Json));
    }

    [Test]
    public void Mfa_create_reads_its_name_qr_file_and_set_and_asks_when_set_is_not_given()
    {
        using var host = new TestHost();
        var definition = new MfaCreateDefinition(host.Services().Profiles);

        var given = definition.Read(definition.Command.Parse(["--profile", "alice", "--name", " phone ", "--qr", "code.png", "--set", "--show-secret"]));
        var plain = definition.Read(definition.Command.Parse(["--profile", "alice"]));

        Assert.That(given, Is.EqualTo(new MfaCreateOptions(given.Pipeline, "phone", "code.png", true, true)));
        Assert.That(plain.Set, Is.Null, "asked on the terminal");
        Assert.That(plain.Name, Is.Null);
        Assert.That(definition.Command.Parse(["--name", "my phone"]).Errors.Select(e => e.Message), Has.Some.Contains("--name must be"));
        Assert.That(definition.Command.Parse(["--serial-number", "x"]).Errors, Is.Not.Empty, "mfa create takes no MFA device");
    }

    [Test]
    public void Mfa_remove_needs_a_well_formed_serial_and_reads_yes_and_the_code()
    {
        using var host = new TestHost();
        var definition = new MfaRemoveDefinition(host.Services().Profiles);

        var parsed = definition.Command.Parse(["--serial", " arn:aws:iam::123456789012:mfa/alice ", "-y", "-t", "123456"]);
        var options = definition.Read(parsed);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(options.Serial, Is.EqualTo("arn:aws:iam::123456789012:mfa/alice"));
        Assert.That(options.Yes, Is.True);
        Assert.That(options.Pipeline.TokenCode, Is.EqualTo("123456"));
        Assert.That(definition.Command.Parse([]).Errors, Is.Not.Empty, "--serial is required");
        Assert.That(definition.Command.Parse(["--serial", "alice"]).Errors.Select(e => e.Message), Has.Some.Contains("--serial is not valid"));
    }

    [Test]
    public void Login_reads_the_profile_region_and_flow_and_logout_one_profile_or_all_never_both()
    {
        using var host = new TestHost();
        var login = new LoginDefinition(host.Services().Profiles);
        var logout = new LogoutDefinition(host.Services().Profiles);

        var parsed = login.Command.Parse(["--profile", " console ", "--region", "eu-west-1", "--remote", "--no-browser"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(login.Read(parsed), Is.EqualTo(new LoginOptions("console", "eu-west-1", null, true, true, null)));
        Assert.That(login.Read(login.Command.Parse([])), Is.EqualTo(new LoginOptions(null, null, null, false, false, null)));
        Assert.That(logout.Read(logout.Command.Parse(["--all"])), Is.EqualTo(new LogoutOptions(null, true)));
        Assert.That(logout.Read(logout.Command.Parse(["--profile", "console"])), Is.EqualTo(new LogoutOptions("console", false)));
        Assert.That(logout.Command.Parse(["--profile", "console", "--all"]).Errors.Select(e => e.Message), Has.Some.Contains("do not go together"));
    }

    [Test]
    public void Sso_login_reads_the_profile_or_session_and_the_flow_and_logout_one_session_or_all()
    {
        using var host = new TestHost();
        var login = new SsoLoginDefinition(host.Services().Profiles);
        var logout = new SsoLogoutDefinition(host.Services().Profiles);

        var parsed = login.Command.Parse(["--sso-session", " corp ", "--use-device-code", "--no-browser"]);

        Assert.That(parsed.Errors, Is.Empty);
        Assert.That(login.Read(parsed), Is.EqualTo(new SsoLoginOptions(null, "corp", true, true, null, null)));
        Assert.That(login.Command.Parse(["--profile", "dev", "--sso-session", "corp"]).Errors.Select(e => e.Message), Has.Some.Contains("do not go together"));
        Assert.That(logout.Read(logout.Command.Parse(["--all"])), Is.EqualTo(new SsoLogoutOptions(null, true, null)));
        Assert.That(logout.Command.Parse(["--sso-session", "corp", "--all"]).Errors, Is.Not.Empty);
        var generate = new SsoGenerateDefinition(host.Services().Profiles);
        Assert.That(generate.Read(generate.Command.Parse(["--sso-session", "corp", "--region", "eu-west-1", "--write"])), Is.EqualTo(new SsoGenerateOptions("corp", "eu-west-1", true, null)));
        Assert.That(generate.Command.Parse([]).Errors, Is.Not.Empty, "--sso-session is required");
    }
}
