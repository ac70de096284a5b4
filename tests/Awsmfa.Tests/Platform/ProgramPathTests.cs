using Awsmfa.Platform;

namespace Awsmfa.Tests.Platform;

/// <summary>Programs named by a profile or exec are found on PATH only, never in the current folder.</summary>
[TestFixture]
[Category("Unit")]
[Platform(Exclude = "Win", Reason = "POSIX: Windows resolves programs its own way")]
public sealed class ProgramPathTests
{
    [Test]
    public void A_name_is_found_in_the_folders_of_path_and_nowhere_else()
    {
        using var folder = new Support.TempDirectory();
        var program = folder.Combine("vault-tool");
        File.WriteAllText(program, "#!/bin/sh\n");
        File.SetUnixFileMode(program, (UnixFileMode)Convert.ToInt32("755", 8));

        Assert.That(ProgramPath.Resolve("vault-tool", "/usr/bin" + Path.PathSeparator + folder.Path), Is.EqualTo(program));
        Assert.That(ProgramPath.Resolve("vault-tool", "/usr/bin"), Is.Null, "not looked for beside awsmfa or in the current folder");
        Assert.That(ProgramPath.Resolve("vault-tool", "." + Path.PathSeparator + Path.PathSeparator), Is.Null, "relative and empty PATH entries are skipped");
        Assert.That(ProgramPath.Resolve("./vault-tool", null), Is.EqualTo("./vault-tool"), "a name with a slash is the user's choice");
    }

    [Test]
    public void A_file_that_is_not_executable_is_passed_over()
    {
        using var folder = new Support.TempDirectory();
        File.WriteAllText(folder.Combine("op"), "text");
        File.SetUnixFileMode(folder.Combine("op"), (UnixFileMode)Convert.ToInt32("644", 8));

        Assert.That(ProgramPath.Resolve("op", folder.Path), Is.Null);
    }
}
