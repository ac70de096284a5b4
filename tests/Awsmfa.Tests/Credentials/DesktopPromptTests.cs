using Awsmfa.Platform;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Credentials;

/// <summary>A code without a terminal: when the desktop dialog is asked, and what it is told, with a scripted dialog.</summary>
[TestFixture]
[Category("Unit")]
public sealed class DesktopPromptTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost().WithBaseProfile();
        _host.Dialog = new FakeDesktopPrompt();
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private FakeDesktopPrompt Dialog => _host.Dialog!;

    [Test]
    public async Task Without_a_terminal_the_dialog_asks_and_the_code_mints_the_session()
    {
        Dialog.Answer("123456");

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Dialog.Asked.Single().Title, Is.EqualTo("awsmfa"));
        Assert.That(Dialog.Asked.Single().Text, Is.EqualTo($"MFA code for profile base\n{TestHost.Serial}"));
        Assert.That(Dialog.Asked.Single().Timeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(_host.Aws.StsRequests.Single().TokenCode, Is.EqualTo("123456"));
    }

    [Test]
    public async Task Cancelling_ends_the_command_at_once_with_no_sts_call()
    {
        Dialog.Answers.Enqueue(new DialogAnswer(null, Cancelled: true));

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Is.EqualTo("awsmfa: the MFA code dialog was cancelled; nothing was sent to AWS\n"));
        Assert.That(Dialog.Asked, Has.Count.EqualTo(1));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task An_unanswered_dialog_times_out_with_the_code_source_timeout()
    {
        _host.Environment["AWSMFA_MFA_PROCESS_TIMEOUT"] = "5s";
        Dialog.Answers.Enqueue(new DialogAnswer(null, TimedOut: true));

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("no answer in the MFA code dialog within 5 s (AWSMFA_MFA_PROCESS_TIMEOUT)"));
        Assert.That(Dialog.Asked.Single().Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(_host.Aws.StsCalls, Is.Zero);
    }

    [Test]
    public async Task A_malformed_or_rejected_code_is_asked_again_in_the_dialog_with_the_reason()
    {
        _host.Aws.WrongCodes.Add("111111");
        Dialog.Answer("12x", "111111", "222222");

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Dialog.Asked, Has.Count.EqualTo(3));
        Assert.That(Dialog.Asked[1].Text, Does.EndWith("\n\nThat is not a valid code: an MFA code is 6 digits, e.g. 123456."));
        Assert.That(Dialog.Asked[2].Text, Does.EndWith("\n\nSTS rejected that code (wrong, expired or already used); wait for the next one."));
        Assert.That(_host.Aws.StsRequests.Select(r => r.TokenCode), Is.EqualTo(new[] { "111111", "222222" }));
        Assert.That(_host.Terminal.Shown, Is.Empty, "nothing went to a terminal");
    }

    [Test]
    public async Task With_a_terminal_auto_asks_there_and_desktop_asks_in_the_dialog()
    {
        _host.Terminal.Answer("123456");
        var auto = await _host.RunAsync("session", "get", "--profile", "base");
        _host.Environment["AWSMFA_PROMPT"] = "desktop";
        Dialog.Answer("234567");
        var desktop = await _host.RunAsync("session", "get", "--profile", "base", "--refresh");

        Assert.That(auto.ExitCode, Is.EqualTo(0), auto.ToString());
        Assert.That(desktop.ExitCode, Is.EqualTo(0), desktop.ToString());
        Assert.That(_host.Terminal.Shown, Has.Count.EqualTo(1));
        Assert.That(Dialog.Asked, Has.Count.EqualTo(1));
        Assert.That(_host.Aws.StsRequests.Select(r => r.TokenCode), Is.EqualTo(new[] { "123456", "234567" }));
    }

    [Test]
    public async Task Terminal_never_opens_a_dialog()
    {
        _host.Environment["AWSMFA_PROMPT"] = "terminal";

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("there is no terminal to ask"));
        Assert.That(Dialog.Asked, Is.Empty);
    }

    [Test]
    public async Task Mfa_prompt_in_the_profile_applies_and_the_environment_wins()
    {
        _host.WithBaseProfile("mfa_prompt = desktop");
        _host.Terminal.Answer("123456");
        Dialog.Answer("234567");
        var fromProfile = await _host.RunAsync("session", "get", "--profile", "base");
        _host.Environment["AWSMFA_PROMPT"] = "terminal";
        var fromEnvironment = await _host.RunAsync("session", "get", "--profile", "base", "--refresh");

        Assert.That(fromProfile.ExitCode, Is.EqualTo(0), fromProfile.ToString());
        Assert.That(fromEnvironment.ExitCode, Is.EqualTo(0), fromEnvironment.ToString());
        Assert.That(_host.Aws.StsRequests.Select(r => r.TokenCode), Is.EqualTo(new[] { "234567", "123456" }));
    }

    [TestCase("AWSMFA_PROMPT", "popup", "AWSMFA_PROMPT must be auto, terminal or desktop")]
    [TestCase("profile", "gui", "mfa_prompt in profile 'base' must be auto, terminal or desktop")]
    public async Task An_unknown_prompt_mode_is_a_usage_error(string where, string value, string message)
    {
        if (where == "profile")
        {
            _host.WithBaseProfile($"mfa_prompt = {value}");
        }
        else
        {
            _host.Environment[where] = value;
        }

        var result = await _host.RunAsync("session", "get", "--profile", "base");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(Dialog.Asked, Is.Empty);
    }

    [Test]
    public async Task With_no_dialog_to_show_desktop_falls_back_to_the_terminal_and_auto_names_every_way()
    {
        _host.Dialog = null;
        _host.Environment["AWSMFA_PROMPT"] = "desktop";
        _host.Terminal.Answer("123456");
        var desktop = await _host.RunAsync("session", "get", "--profile", "base");
        _host.Terminal.IsAvailable = false;
        _host.Environment["AWSMFA_PROMPT"] = null;
        var auto = await _host.RunAsync("session", "get", "--profile", "base", "--refresh");

        Assert.That(desktop.ExitCode, Is.EqualTo(0), desktop.ToString());
        Assert.That(auto.ExitCode, Is.EqualTo(2));
        Assert.That(auto.Stderr, Does.Contain("nor a desktop dialog (DISPLAY and zenity or kdialog)").And.Contain("--token-code"));
    }

    [Test]
    public async Task A_given_code_or_mfa_process_comes_before_any_dialog()
    {
        var result = await _host.RunAsync("session", "get", "--profile", "base", "-t", "123456");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Dialog.Asked, Is.Empty);
    }
}

/// <summary>The dialog programs' arguments: the text is one argument of data, never script or markup.</summary>
[TestFixture]
[Category("Unit")]
public sealed class DialogArgumentTests
{
    private const string Hostile = "MFA code for profile a_b\"; do shell script \"touch /tmp/x\" --\n$(id) `id` <b>&amp;";

    [Test]
    public void Osascript_gets_the_text_as_argv_not_as_script()
    {
        var arguments = DesktopPrompts.OsascriptArguments("awsmfa", Hostile);

        Assert.That(arguments.Skip(arguments.Count - 2), Is.EqualTo(new[] { "awsmfa", Hostile }));
        Assert.That(string.Join('\n', arguments.Take(arguments.Count - 2)), Does.Not.Contain("touch").And.Contain("item 2 of argv"));
    }

    [Test]
    public void Zenity_and_kdialog_get_the_text_as_one_argument()
    {
        var zenity = DesktopPrompts.ZenityArguments("awsmfa", Hostile);
        var kdialog = DesktopPrompts.KdialogArguments("awsmfa", Hostile);

        Assert.That(zenity, Is.EqualTo(new[] { "--entry", "--hide-text", "--title", "awsmfa", "--text", Hostile.Replace("_", "__", StringComparison.Ordinal) }));
        Assert.That(kdialog, Is.EqualTo(new[] { "--title", "awsmfa", "--password", Hostile }));
    }

    [Test]
    public void A_display_and_a_dialog_program_are_both_needed_on_linux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("the Linux rule");
        }

        using var folder = new TempDirectory();
        var zenity = Path.Combine(folder.Path, "zenity");
        File.WriteAllText(zenity, "#!/bin/sh\n");
        File.SetUnixFileMode(zenity, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var environment = new FakeEnvironment(folder.Path) { ["PATH"] = folder.Path };

        var noDisplay = DesktopPrompts.Find(environment);
        environment["WAYLAND_DISPLAY"] = "wayland-0";
        var withDisplay = DesktopPrompts.Find(environment);
        environment["PATH"] = "/nonexistent";
        var noProgram = DesktopPrompts.Find(environment);

        Assert.That(noDisplay, Is.Null);
        Assert.That(withDisplay?.Name, Is.EqualTo("zenity"));
        Assert.That(noProgram, Is.Null);
    }
}
