using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

/// <summary>
/// The record of what the SDK made of the files: used only while both files are byte for byte as
/// they were and the variables that name them are unchanged; it gives what the SDK gives, and it
/// holds no secret.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class ProfileMemoTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/MEMOSECRETEXAMPLE";
    private const string Token = "FwoGZXIvYXdzEMEMOTOKENEXAMPLE";

    private TempDirectory _home = null!;
    private Dictionary<string, string?> _variables = null!;

    private string Credentials => _home.Combine("credentials");

    private string Config => _home.Combine("config");

    private string CacheFolder => _home.Combine("cache");

    [SetUp]
    public void SetUp()
    {
        _home = new TempDirectory();
        _variables = new Dictionary<string, string?>(StringComparer.Ordinal) { ["HOME"] = _home.Path };
        File.WriteAllText(Credentials, $"""
            [base]
            aws_access_key_id = AKIAMEMOEXAMPLE00001
            aws_secret_access_key = {Secret}

            [temp]
            aws_access_key_id = ASIAMEMOEXAMPLE00002
            aws_secret_access_key = {Secret}
            aws_session_token = {Token}
            """);
        File.WriteAllText(Config, """
            [profile base]
            region = eu-west-1
            mfa_serial = arn:aws:iam::123456789012:mfa/alice

            [profile admin]
            role_arn = arn:aws:iam::210987654321:role/admin
            source_profile = base
            external_id = shared-id
            role_session_name = alice-admin
            region = us-west-2

            [profile ci]
            credential_process = /usr/local/bin/creds --profile ci
            region = ap-south-2
            """);
    }

    [TearDown]
    public void TearDown() => _home.Dispose();

    /// <summary>
    /// A store as one run of awsmfa has it: a fresh one per run, the record on disk between them. By
    /// default its clock is a minute ahead, so the files the test just wrote count as settled.
    /// </summary>
    private SharedConfigProfileStore NewRun(TimeProvider? clock = null) =>
        new(Credentials, new ProfileMemo(new SessionCache(CacheFolder, new Reporter(TextWriter.Null, verbose: false), TimeProvider.System), name => _variables.GetValueOrDefault(name), clock ?? new MinuteAhead()));

    private sealed class MinuteAhead : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddMinutes(1);
    }

    private string MemoFile => Path.Combine(CacheFolder, ProfileMemo.FileKey + ".state");

    [TestCase("base")]
    [TestCase("temp")]
    [TestCase("admin")]
    [TestCase("ci")]
    public void The_next_run_finds_what_the_sdk_found_without_the_sdk(string name)
    {
        var first = NewRun();
        var fromSdk = first.Find(name);
        Assert.That(first.ReadBySdk, Is.True);
        Assert.That(fromSdk, Is.Not.Null);

        var second = NewRun();
        var fromMemo = second.Find(name);

        Assert.That(second.ReadBySdk, Is.False, "the record answered");
        Assert.That(fromMemo, Is.EqualTo(fromSdk));
    }

    [Test]
    public void A_role_chain_is_recorded_profile_by_profile_in_one_run()
    {
        var first = NewRun();
        var expected = new[] { first.Find("admin"), first.Find("base") };

        var second = NewRun();

        Assert.That(new[] { second.Find("admin"), second.Find("base") }, Is.EqualTo(expected));
        Assert.That(second.ReadBySdk, Is.False);
        Assert.That(second.Files, Is.EqualTo(first.Files), "the paths the SDK read, without the SDK");
        Assert.That(second.FindSetting("base", "mfa_serial"), Is.EqualTo("arn:aws:iam::123456789012:mfa/alice"));
    }

    [Test]
    public void The_record_holds_no_secret_and_is_the_users_alone()
    {
        var run = NewRun();
        run.Find("base");
        run.Find("temp");

        var text = File.ReadAllText(MemoFile);
        Assert.That(text, Does.Contain("AKIAMEMOEXAMPLE00001"), "the record was written");
        Assert.That(text, Does.Not.Contain(Secret).And.Not.Contain(Token));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(MemoFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [TestCase("region = eu-west-1", "region = eu-west-3")]
    [TestCase("region = eu-west-1", "region = eu-west-1 ")]
    public void A_changed_config_file_is_read_by_the_sdk_again(string before, string after)
    {
        NewRun().Find("base");
        File.WriteAllText(Config, File.ReadAllText(Config).Replace(before, after, StringComparison.Ordinal));

        var run = NewRun();
        var profile = run.Find("base");

        Assert.That(run.ReadBySdk, Is.True);
        Assert.That(profile!.Region, Is.EqualTo(after.Split('=')[1].Trim()));
    }

    [Test]
    public void A_long_running_awsmfa_sees_an_edit_as_the_sdk_would()
    {
        NewRun().Find("base");
        var server = NewRun();
        Assert.That(server.Find("base")!.Region, Is.EqualTo("eu-west-1"));

        File.WriteAllText(Config, File.ReadAllText(Config).Replace("region = eu-west-1", "region = eu-central-1", StringComparison.Ordinal));

        Assert.That(server.Find("base")!.Region, Is.EqualTo("eu-central-1"));
    }

    [Test]
    public void A_rotated_key_in_the_credentials_file_is_read_by_the_sdk_again()
    {
        NewRun().Find("base");
        File.WriteAllText(Credentials, File.ReadAllText(Credentials).Replace(Secret, Secret + "X", StringComparison.Ordinal));

        var run = NewRun();

        Assert.That(run.Find("base")!.SecretAccessKey, Is.EqualTo(Secret + "X"));
        Assert.That(run.ReadBySdk, Is.True);
    }

    [TestCase("HOME")]
    [TestCase("AWS_CONFIG_FILE")]
    [TestCase("AWS_SHARED_CREDENTIALS_FILE")]
    public void Another_value_of_a_variable_that_names_the_files_is_not_the_record(string variable)
    {
        NewRun().Find("base");
        _variables[variable] = _home.Combine("elsewhere");

        var run = NewRun();
        run.Find("base");

        Assert.That(run.ReadBySdk, Is.True);
    }

    [TestCase("not json")]
    [TestCase("{\"version\":1,\"profiles\":{\"base\":[1]}}")]
    [TestCase("{\"version\":3,\"profiles\":{\"base\":[\"AKIAMEMOEXAMPLE00001\",null,\"eu-west-1\",null,null,null,null,null,null,\"known\",\"Credentials\",\"base\"]}}")]
    [TestCase("{\"version\":3,\"profiles\":{\"base\":{\"settings\":{\"region\":[]}}}}")]
    [TestCase("{\"version\":99}")]
    [TestCase("{\"version\":99999999999}")]
    [TestCase("{\"version\":1,\"credentialsPath\":\"\u00ff\"}", true)]
    public void A_record_awsmfa_did_not_write_is_a_miss_and_is_replaced(string content, bool invalidUtf8 = false)
    {
        // As awsmfa leaves the folder (the user's alone: another one is not used at all).
        NewRun().Find("temp");
        // \u00ff as one raw byte 0xFF: no UTF-8 at all.
        File.WriteAllBytes(MemoFile, invalidUtf8 ? content.Select(c => (byte)c).ToArray() : System.Text.Encoding.UTF8.GetBytes(content));

        var run = NewRun();
        var profile = run.Find("base");

        Assert.That(run.ReadBySdk, Is.True);
        Assert.That(profile!.AccessKeyId, Is.EqualTo("AKIAMEMOEXAMPLE00001"));
        var next = NewRun();
        Assert.That(next.Find("base"), Is.EqualTo(profile));
        Assert.That(next.ReadBySdk, Is.False);
    }

    [Test]
    public void Files_changed_a_moment_ago_are_not_recorded_they_may_be_half_written()
    {
        NewRun(TimeProvider.System).Find("base");

        Assert.That(File.Exists(MemoFile), Is.False);
        var run = NewRun(TimeProvider.System);
        run.Find("base");
        Assert.That(run.ReadBySdk, Is.True);
    }

    [TestCase("HOME")]
    public void Without_a_home_folder_nothing_is_recorded(string variable)
    {
        _variables.Remove(variable);

        NewRun().Find("base");

        Assert.That(File.Exists(MemoFile), Is.False, "the SDK would look in the current folder");
    }

    [Test]
    public void An_empty_session_token_line_is_no_token_as_for_the_sdk()
    {
        File.AppendAllText(Credentials, "\n[blank]\naws_access_key_id = AKIAMEMOEXAMPLE00004\naws_secret_access_key = " + Secret + "\naws_session_token =\n");
        var fromSdk = NewRun().Find("blank");

        var run = NewRun();
        var fromMemo = run.Find("blank");

        Assert.That(fromSdk!.SessionToken, Is.Null);
        Assert.That(fromMemo, Is.EqualTo(fromSdk));
        Assert.That(run.ReadBySdk, Is.False);
    }

    [Test]
    public void A_full_record_is_not_churned_by_a_run_over_every_profile()
    {
        // profile list and completion look up every profile: past the record's size, the ones
        // left out are read by the SDK each time, and the record stays as it is.
        var names = Enumerable.Range(0, 140).Select(i => $"p{i:D3}").ToList();
        File.AppendAllText(Config, string.Concat(names.Select(n => $"\n[profile {n}]\nregion = eu-west-1\n")));
        var first = NewRun();
        names.ForEach(n => first.Find(n));
        File.SetLastWriteTimeUtc(MemoFile, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var second = NewRun();
        var found = names.Select(second.Find).ToList();

        Assert.That(found.Select(p => p?.Region), Has.All.EqualTo("eu-west-1"));
        Assert.That(File.GetLastWriteTimeUtc(MemoFile).Year, Is.EqualTo(2020), "not written again");
        var third = NewRun();
        Assert.That(third.Find(names[0]), Is.EqualTo(found[0]));
        Assert.That(third.ReadBySdk, Is.False, "the first ones are recorded");
    }

    [Test]
    public void A_profile_that_is_not_there_is_never_recorded()
    {
        NewRun().Find("nope");

        var run = NewRun();

        Assert.That(run.Find("nope"), Is.Null);
        Assert.That(run.ReadBySdk, Is.True);
    }

    [Test]
    public void Keys_in_the_config_file_are_found_again_there()
    {
        File.AppendAllText(Config, $"\n[profile inconfig]\naws_access_key_id = AKIAMEMOEXAMPLE00003\naws_secret_access_key = {Secret}\n");
        var fromSdk = NewRun().Find("inconfig");

        var run = NewRun();

        Assert.That(run.Find("inconfig"), Is.EqualTo(fromSdk));
        Assert.That(fromSdk!.SecretAccessKey, Is.EqualTo(Secret));
        Assert.That(run.ReadBySdk, Is.False);
    }
}
