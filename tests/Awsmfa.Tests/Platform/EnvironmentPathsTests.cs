using Awsmfa.Credentials;
using Awsmfa.Platform;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Platform;

/// <summary>Paths named by variables, expanded as botocore expands AWS_LOGIN_CACHE_DIRECTORY (os.path.expandvars, then expanduser).</summary>
[TestFixture]
[Category("Unit")]
public sealed class EnvironmentPathsTests
{
    [TestCase("$XDG_CACHE_HOME/aws/login", "/home/ana/.cache/aws/login")]
    [TestCase("${XDG_CACHE_HOME}/aws/login", "/home/ana/.cache/aws/login")]
    [TestCase("~/aws-login", "/home/ana/aws-login")]
    [TestCase("~", "/home/ana")]
    [TestCase("$UNSET_ONE/login", "$UNSET_ONE/login", TestName = "an unset variable is kept as written, as Python keeps it")]
    [TestCase("/srv/$TEAM-${TEAM}x/$", "/srv/ops-opsx/$", TestName = "several, braced and not, and a lone dollar")]
    [TestCase("$HOME_DIR/x", "/home/ana/x", TestName = "expanded first, then the tilde it gave is the home folder")]
    [TestCase("/opt/~/cache", "/opt/~/cache", TestName = "a tilde inside the path stays")]
    [TestCase("$EMPTY/cache", "/cache", TestName = "a variable set to nothing is set: replaced by nothing")]
    [TestCase("~root/x", "~root/x", TestName = "another user's home is not looked up")]
    [TestCase("${}", "${}", TestName = "an empty name is kept")]
    [TestCase("$$TEAM", "$ops", TestName = "a dollar before a variable stays")]
    public void A_path_is_expanded_as_botocore_expands_it(string written, string expected)
    {
        var environment = new FakeEnvironment("/home/ana");
        environment["XDG_CACHE_HOME"] = "/home/ana/.cache";
        environment["TEAM"] = "ops";
        environment["HOME_DIR"] = "~";
        environment.Variables["EMPTY"] = "";

        var expanded = environment.ExpandLikeBotocore(written);

        Assert.That(expanded, Is.EqualTo(expected));
    }

    [Test]
    public void The_aws_login_cache_folder_takes_variables()
    {
        var environment = new FakeEnvironment("/home/ana");
        environment["XDG_CACHE_HOME"] = "/home/ana/.cache";
        environment["AWS_LOGIN_CACHE_DIRECTORY"] = "$XDG_CACHE_HOME/aws-login";

        var path = LoginToken.PathFor(environment, "arn:aws:sts::123456789012:assumed-role/Admin/ana");

        Assert.That(Path.GetDirectoryName(path), Is.EqualTo("/home/ana/.cache/aws-login"));
    }

    [TestCase("/home/ana/", "~", "/home/ana", TestName = "a home with a trailing slash: as Python, without it")]
    [TestCase("", "~/x", "/x", TestName = "an empty home: the root")]
    [TestCase("", "~", "/", TestName = "an empty home alone: the root")]
    public void The_home_folder_is_joined_as_python_joins_it(string home, string written, string expected) =>
        Assert.That(new FakeEnvironment(home).ExpandLikeBotocore(written), Is.EqualTo(expected));

    [TestCase(@"%LOCALAPPDATA%\aws\login", @"C:\Users\ana\AppData\Local\aws\login")]
    [TestCase(@"~\aws-login", @"C:\Users\ana\aws-login")]
    [TestCase(@"$LOCALAPPDATA\x", @"C:\Users\ana\AppData\Local\x")]
    [TestCase(@"%UNSET%\x", @"%UNSET%\x")]
    public void On_windows_percent_variables_and_a_backslash_after_the_tilde_count_too(string written, string expected)
    {
        var environment = new FakeEnvironment(@"C:\Users\ana");
        environment["LOCALAPPDATA"] = @"C:\Users\ana\AppData\Local";

        Assert.That(environment.ExpandLikeBotocore(written, windows: true), Is.EqualTo(expected));
    }
}
