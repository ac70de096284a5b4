using Awsmfa.Credentials;
using Awsmfa.Keyring;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

/// <summary>
/// The registry of profile kinds: each profile's kind is the first that matches its settings, read
/// by name; every kind in the assembly is in the registry once; the kinds' own steps are known to
/// the cache.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class ProfileKindsTests
{
    private const string Keys = "aws_access_key_id = AKIAKINDS00000000001\naws_secret_access_key = KindsSecret0000000000000000000000000001\n";
    private const string Role = "role_arn = arn:aws:iam::123456789012:role/admin\n";

    private TempDirectory _home = null!;

    [SetUp]
    public void SetUp() => _home = new TempDirectory();

    [TearDown]
    public void TearDown() => _home.Dispose();

    private ProfileView View(string section, string settings, string name = "p", KeyringIndexEntry? keyring = null)
    {
        File.WriteAllText(_home.Combine("credentials"), "");
        File.WriteAllText(_home.Combine("config"), $"[{section}]\n{settings}");
        var store = new SharedConfigProfileStore(_home.Combine("credentials"));
        return new ProfileView(store.Find(name) ?? AwsProfile.Empty(name), store, keyring);
    }

    [TestCase(Keys, "keys")]
    [TestCase("aws_access_key_id = ASIAKINDS00000000001\naws_secret_access_key = s\naws_session_token = t\n", "session")]
    [TestCase("credential_process = /usr/bin/creds\n", "process")]
    [TestCase("credential_process = awsmfa session get --profile base -o credential-process\n", "awsmfa")]
    [TestCase(Role + "source_profile = base\n", "role")]
    [TestCase(Role + "credential_source = Environment\n", "role")]
    [TestCase(Role + "web_identity_token_file = /var/run/token\n", "web-identity")]
    [TestCase("sso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n", "sso")]
    [TestCase("sso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n", "sso")]
    [TestCase("login_session = arn:aws:sts::123456789012:assumed-role/console/alice\nregion = eu-west-1\n", "login")]
    [TestCase("login_session = arn:aws:sts::123456789012:assumed-role/console/alice\n" + Keys, "keys")]
    [TestCase("region = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n", "settings")]
    [TestCase("web_identity_token_file =\n" + Keys, "keys")]
    public void A_profile_is_of_the_first_kind_its_settings_match(string settings, string kind) =>
        Assert.That(ProfileKinds.Of(View("profile p", settings)).Name, Is.EqualTo(kind));

    [Test]
    public void Keys_in_the_keyring_make_a_keyring_profile_even_with_no_section()
    {
        var entry = new KeyringIndexEntry("p", "test", "AKIAKINDS00000000002", DateTimeOffset.UnixEpoch);

        Assert.That(ProfileKinds.Of(View("profile other", "region = eu-west-1\n", keyring: entry)).Name, Is.EqualTo("keyring"));
    }

    [Test]
    public void A_source_profile_with_keys_of_its_own_is_a_root_whatever_role_it_names()
    {
        // botocore: walking past it would sign with another IAM user and assume an extra role.
        var view = View("profile p", Keys + Role + "source_profile = elsewhere\n");

        Assert.That(ProfileKinds.Of(view, asSource: false).Name, Is.EqualTo("role"));
        Assert.That(ProfileKinds.Of(view, asSource: true).Name, Is.EqualTo("keys"));
    }

    [Test]
    public void A_setting_the_sdk_does_not_model_is_read_by_name_from_the_files()
    {
        var view = View("profile p", Role + "web_identity_token_file =  /var/run/token  \nduration_seconds = 900\n");

        Assert.That(view["web_identity_token_file"], Is.EqualTo("/var/run/token"));
        Assert.That(view["duration_seconds"], Is.EqualTo("900"));
        Assert.That(view["role_arn"], Is.EqualTo("arn:aws:iam::123456789012:role/admin"));
        Assert.That(view["no_such_setting"], Is.Null);
    }

    [Test]
    public void Every_kind_in_the_assembly_is_in_the_registry_once_and_settings_alone_is_last()
    {
        var declared = typeof(IProfileKind).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IProfileKind).IsAssignableFrom(type))
            .ToList();

        Assert.That(ProfileKinds.All.Select(kind => kind.GetType()), Is.EquivalentTo(declared), "a kind missing from ProfileKinds.All never matches");
        Assert.That(ProfileKinds.All.Select(kind => kind.Name), Is.Unique);
        Assert.That(ProfileKinds.All[^1], Is.SameAs(SettingsKind.Instance), "the kind that matches any profile ends the list");
    }

    [Test]
    public void A_kinds_own_steps_are_known_to_the_cache()
    {
        foreach (var type in ProfileKinds.All.SelectMany(kind => kind.StepTypes))
        {
            Assert.That(StepTypes.Find(type.Name), Is.SameAs(type), type.Name);
        }

        Assert.That(StepTypes.Find("sts.AssumeRoleWithWebIdentity"), Is.Not.Null);
    }

    [Test]
    public void The_web_identity_kind_is_one_file_that_nothing_else_in_src_names_but_the_registry()
    {
        // What makes a new kind a small, local change: its types are its own file's business.
        var src = Path.Combine(Awsmfa.Tests.Integration.Repository.Root, "src", "Awsmfa");
        var own = Path.Combine(src, "Credentials", "Kinds", "WebIdentityKind.cs");
        var declared = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(own), @"(?:class|record) (\w+)").Select(m => m.Groups[1].Value).ToList();
        Assert.That(declared, Does.Contain("WebIdentityKind").And.Contain("WebIdentityStep"));

        var naming = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => f != own && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllLines(f).Select((line, n) => (File: f, Line: n + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal)
                && declared.Any(type => System.Text.RegularExpressions.Regex.IsMatch(l.Text, $@"\b{type}\b")))
            .Select(l => $"{Path.GetRelativePath(src, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.That(naming, Is.EqualTo(new[] { Path.Combine("Credentials", "Kinds", "ProfileKinds.cs") + ":" + RegistryLine(src) + ": WebIdentityKind.Instance," }));
    }

    private static int RegistryLine(string src) =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(src, "Credentials", "Kinds", "ProfileKinds.cs")), l => l.Trim() == "WebIdentityKind.Instance,") + 1;
}
