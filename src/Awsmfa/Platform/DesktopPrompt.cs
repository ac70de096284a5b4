using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Awsmfa.Platform;

/// <summary>What a desktop dialog gave: the text typed, or that it was cancelled, went unanswered, or could not be shown (<paramref name="NotShown"/>: the dialog program's own words).</summary>
internal sealed record DialogAnswer(string? Text, bool Cancelled = false, bool TimedOut = false, string? NotShown = null);

/// <summary>A dialog on the user's desktop for a secret (an MFA code), for programs started with no terminal (IDEs, Lens, GUI tools).</summary>
internal interface IDesktopPrompt
{
    /// <summary>What shows the dialog (zenity, kdialog, osascript, the Windows credentials dialog), for messages.</summary>
    string Name { get; }

    /// <param name="title">The window title.</param>
    /// <param name="text">What is asked; data, never markup or code.</param>
    Task<DialogAnswer> AskAsync(string title, string text, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Finds the desktop dialog this session can show, if any.</summary>
internal static class DesktopPrompts
{
    /// <summary>
    /// Linux and other Unixes: a display (<c>DISPLAY</c> or <c>WAYLAND_DISPLAY</c>) and zenity, else
    /// kdialog, on PATH; macOS: osascript; Windows: the OS's credentials dialog. Null: none.
    /// </summary>
    public static IDesktopPrompt? Find(IEnvironment environment)
    {
        if (OperatingSystem.IsWindows())
        {
            return new WindowsCredentialDialog();
        }

        var path = environment.Get("PATH");
        if (OperatingSystem.IsMacOS())
        {
            return ProgramPath.Resolve("osascript", path) is { } osascript ? new ProgramDialog("osascript", osascript, OsascriptArguments) : null;
        }

        if (environment.Get("DISPLAY") is not { Length: > 0 } && environment.Get("WAYLAND_DISPLAY") is not { Length: > 0 })
        {
            return null;
        }

        if (ProgramPath.Resolve("zenity", path) is { } zenity)
        {
            return new ProgramDialog("zenity", zenity, ZenityArguments);
        }

        return ProgramPath.Resolve("kdialog", path) is { } kdialog ? new ProgramDialog("kdialog", kdialog, KdialogArguments) : null;
    }

    /// <summary>zenity's entry label reads '_' as a mnemonic: doubled, it is shown as written.</summary>
    public static IReadOnlyList<string> ZenityArguments(string title, string text) =>
        ["--entry", "--hide-text", "--title", title, "--text", text.Replace("_", "__", StringComparison.Ordinal)];

    public static IReadOnlyList<string> KdialogArguments(string title, string text) => ["--title", title, "--password", text];

    /// <summary>The title and text reach AppleScript as <c>argv</c>, never as part of the script.</summary>
    public static IReadOnlyList<string> OsascriptArguments(string title, string text) =>
    [
        "-e", "on run argv",
        "-e", "display dialog (item 2 of argv) default answer \"\" with hidden answer with title (item 1 of argv) buttons {\"Cancel\", \"OK\"} default button \"OK\"",
        "-e", "return text returned of result",
        "-e", "end run",
        title, text,
    ];
}

/// <summary>
/// A dialog program run without a shell, the title and text as single arguments: its answer on
/// stdout, exit 0; cancelled or closed, any other exit. On timeout or Ctrl-C it is killed with its
/// children.
/// </summary>
internal sealed class ProgramDialog(string name, string program, Func<string, string, IReadOnlyList<string>> arguments) : IDesktopPrompt
{
    public string Name { get; } = name;

    public async Task<DialogAnswer> AskAsync(string title, string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, arguments(title, text))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new AwsmfaException(ExitCodes.AwsError, $"could not start {Name}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        // GTK's and Qt's chatter is no one's business, except the line that says why no dialog
        // appeared; drained so the dialog never blocks on it.
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            // Reaped before the command goes on, so the dialog has left the screen when awsmfa exits.
            process.WaitForExit(TimeSpan.FromSeconds(2));
            cancellationToken.ThrowIfCancellationRequested();
            return new DialogAnswer(null, TimedOut: true);
        }

        var answer = (await output.ConfigureAwait(false)).TrimEnd('\r', '\n');
        if (process.ExitCode == 0)
        {
            return new DialogAnswer(answer);
        }

        return NotShownReason(process.ExitCode, await errors.ConfigureAwait(false)) is { } why
            ? new DialogAnswer(null, NotShown: why)
            : new DialogAnswer(null, Cancelled: true);
    }

    /// <summary>
    /// Why the dialog never appeared, when it says so: a display it cannot open (GTK and Qt say
    /// "cannot open display" / "could not connect to display"), or an exit other than a cancel's
    /// (zenity and kdialog: 1) with something on stderr; null for a person's cancel.
    /// </summary>
    internal static string? NotShownReason(int exitCode, string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var display = lines.LastOrDefault(l => l.Contains("open display", StringComparison.OrdinalIgnoreCase) || l.Contains("connect to display", StringComparison.OrdinalIgnoreCase));
        return display is not null ? Output.Printable.OneLine(display)
            : exitCode != 1 && lines.Length > 0 ? Output.Printable.OneLine(lines[^1])
            : null;
    }
}

/// <summary>
/// Windows' own credentials dialog (CredUIPromptForCredentials): the profile as the read-only user
/// name, the code in the password box (not shown as typed), nothing saved.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed partial class WindowsCredentialDialog : IDesktopPrompt
{
    private const int GenericCredentials = 0x40000;
    private const int AlwaysShowUi = 0x80;
    private const int DoNotPersist = 0x2;
    private const int KeepUserName = 0x100000;
    private const int Cancelled = 1223;
    private const int MaxLength = 513;

    public string Name => "the Windows credentials dialog";

    public async Task<DialogAnswer> AskAsync(string title, string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The dialog blocks its thread; a timeout or Ctrl-C ends the command, and the thread with it.
        var dialog = Task.Factory.StartNew(() => Show(title, text), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            return await dialog.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new DialogAnswer(null, TimedOut: true);
        }
    }

    private static unsafe DialogAnswer Show(string title, string text)
    {
        var user = new char[MaxLength];
        var password = new char[MaxLength];
        "awsmfa".CopyTo(user);
        try
        {
            fixed (char* caption = title)
            fixed (char* message = text)
            fixed (char* target = "awsmfa")
            fixed (char* u = user)
            fixed (char* p = password)
            {
                var info = new CredentialUiInfo { Size = sizeof(CredentialUiInfo), Message = message, Caption = caption };
                var save = 0;
                var result = CredUIPromptForCredentials(&info, target, 0, 0, u, MaxLength, p, MaxLength, &save, GenericCredentials | AlwaysShowUi | DoNotPersist | KeepUserName);
                return result switch
                {
                    0 => new DialogAnswer(new string(p)),
                    Cancelled => new DialogAnswer(null, Cancelled: true),
                    _ => throw new AwsmfaException(ExitCodes.UsageError, $"the Windows credentials dialog could not be shown (error {result}); pass the code with --token-code or AWSMFA_TOKEN_CODE"),
                };
            }
        }
        finally
        {
            Array.Clear(password);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct CredentialUiInfo
    {
        public int Size;
        public nint Parent;
        public char* Message;
        public char* Caption;
        public nint Banner;
    }

    [LibraryImport("credui.dll", EntryPoint = "CredUIPromptForCredentialsW")]
    private static unsafe partial int CredUIPromptForCredentials(
        CredentialUiInfo* info, char* targetName, nint reserved, int authError, char* userName, int userNameLength, char* password, int passwordLength, int* save, int flags);
}
