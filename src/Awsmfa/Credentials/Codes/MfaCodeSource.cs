using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Finds the MFA code, first match wins: <c>--token-code CODE</c> or <c>--token-code -</c> (one
/// line on stdin), <c>AWSMFA_TOKEN_CODE</c>, the profile's <c>mfa_process</c>, then a prompt: on
/// the terminal, or, with none (an IDE, Lens), in a desktop dialog (<c>AWSMFA_PROMPT</c>,
/// <c>mfa_prompt</c>). A code AWS already accepted is never sent again (see <see cref="SpentCodes"/>).
/// </summary>
internal sealed class MfaCodeSource(
    IEnvironment environment,
    IProfileStore profiles,
    IStandardInput standardInput,
    ITerminal terminal,
    IMfaProcess mfaProcess,
    Func<IDesktopPrompt?> desktop,
    SpentCodes spentCodes,
    TimeProvider clock,
    Reporter reporter)
{
    public const string StdinMarker = "-";
    public const string EnvironmentVariable = "AWSMFA_TOKEN_CODE";
    public const string PromptVariable = "AWSMFA_PROMPT";
    public const string DialogTitle = "awsmfa";
    private const string PromptSetting = "mfa_prompt";

    /// <summary>The dialog the last code was asked in, or null for the terminal: where "rejected, try again" is said.</summary>
    private IDesktopPrompt? _dialog;
    private string? _dialogNote;
    private const int Attempts = 3;

    /// <summary>
    /// Answers taken from the person (terminal or dialog) for the code being spent: malformed,
    /// spent and rejected ones count alike, three in all.
    /// </summary>
    private int _asked;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="call"/> with a fresh code for <paramref name="mfaSerial"/> and
    /// remembers the code, accepted or rejected, so that it is never sent again; a code STS
    /// rejects at the prompt is asked for again: three answers in all, whatever was wrong with each.
    /// </summary>
    /// <returns>What the call returned, and the hash of the code it spent.</returns>
    /// <exception cref="CodeAlreadySpent">The code given is the one the replaced entry was minted with.</exception>
    public async Task<(T Result, string CodeHash)> SpendAsync<T>(
        CodeContext request, string mfaSerial, Func<string, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        _asked = 0;
        while (true)
        {
            var (code, origin) = await GetFreshCodeAsync(request, mfaSerial, cancellationToken).ConfigureAwait(false);
            T result;
            try
            {
                result = await call(code, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsmfaException e) when (e.CodeRejected)
            {
                // Remembered before the lock is let go: a parallel run waiting with the same code
                // fails at once instead of spending one more of AWS's failed-attempt allowance.
                await spentCodes.RememberAsync(code, mfaSerial, cancellationToken, rejected: true).ConfigureAwait(false);
                if (origin != CodeOrigin.Prompt || _asked >= Attempts)
                {
                    throw;
                }

                const string Rejected = "STS rejected that code (wrong, expired or already used); wait for the next one.";
                if (_dialog is null)
                {
                    terminal.WriteLine(Rejected);
                }
                else
                {
                    _dialogNote = Rejected;
                }

                continue;
            }

            await spentCodes.RememberAsync(code, mfaSerial, cancellationToken).ConfigureAwait(false);
            return (result, CacheKeys.CodeHash(code, mfaSerial));
        }
    }

    /// <summary>
    /// A code given on the command line or in AWSMFA_TOKEN_CODE that was already spent or
    /// rejected: refused before anything else runs (a password manager's credential_process).
    /// </summary>
    public void RefuseSpentGivenCode(CodeContext request, string mfaSerial)
    {
        var given = request.Given.Option is { } option && option != StdinMarker ? option
            : request.Given is { Option: null, UseEnvironment: true } ? environment.Get(EnvironmentVariable) : null;
        if (given is null || !TokenCode.TryNormalize(given, out var code) || CacheKeys.CodeHash(code, mfaSerial) == request.ReplacedCodeHash)
        {
            return;
        }

        if (spentCodes.WasSpent(code, mfaSerial) is { } how)
        {
            throw SpentCodeGiven(how);
        }
    }

    /// <summary>A given code that cannot work: AWS accepted it already, or rejected it a moment ago.</summary>
    private static AwsmfaException SpentCodeGiven(SpentCodes.Use how) => new(
        ExitCodes.AuthenticationRejected,
        how == SpentCodes.Use.Rejected
            ? "STS rejected this MFA code a moment ago (wrong, expired or already used); pass the next code from the device"
            : "this MFA code was already used (AWS accepts each code once); pass the next code from the device");

    private enum CodeOrigin
    {
        /// <summary>--token-code, -, AWSMFA_TOKEN_CODE: the user's own, used as given.</summary>
        Given,
        Process,
        Prompt,
    }

    private async Task<(string Code, CodeOrigin Origin)> GetFreshCodeAsync(CodeContext request, string serial, CancellationToken cancellationToken)
    {
        var cachedCodeHash = request.ReplacedCodeHash;
        bool Spent(string code) => CacheKeys.CodeHash(code, serial) != cachedCodeHash && spentCodes.WasSpent(code, serial) is not null;

        // Looked up only now, when a code is needed: a cached answer reads no more of the files.
        var process = NearestSetting(request, "mfa_process")?.Value;
        var (code, origin) = await GetCodeAsync(request, serial, process, Spent, cancellationToken).ConfigureAwait(false);
        if (CacheKeys.CodeHash(code, serial) == cachedCodeHash)
        {
            throw new CodeAlreadySpent();
        }

        if (origin == CodeOrigin.Given && spentCodes.WasSpent(code, serial) is { } how)
        {
            throw SpentCodeGiven(how);
        }

        return (code, origin);
    }

    private async Task<(string Code, CodeOrigin Origin)> GetCodeAsync(
        CodeContext request, string mfaSerial, string? processCommand, Func<string, bool> spent, CancellationToken cancellationToken)
    {
        var source = request.Given;
        if (source.Option == StdinMarker)
        {
            var line = await standardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            return TokenCode.TryNormalize(line, out var fromStdin)
                ? (fromStdin, CodeOrigin.Given)
                : throw AwsmfaException.Usage(line is null
                    ? "--token-code - found no line on stdin"
                    : $"the line on stdin is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (source.Option is not null)
        {
            return TokenCode.TryNormalize(source.Option, out var fromOption)
                ? (fromOption, CodeOrigin.Given)
                : throw AwsmfaException.Usage($"--token-code is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (source.UseEnvironment && environment.Get(EnvironmentVariable) is { } fromEnvironment)
        {
            return TokenCode.TryNormalize(fromEnvironment, out var code)
                ? (code, CodeOrigin.Given)
                : throw AwsmfaException.Usage($"{EnvironmentVariable} is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (processCommand is not null)
        {
            return (await FromProcessAsync(processCommand, spent, cancellationToken).ConfigureAwait(false), CodeOrigin.Process);
        }

        _dialog = ReadPromptMode(request) switch
        {
            PromptMode.Terminal => null,
            PromptMode.Desktop => desktop(),
            _ => terminal.IsAvailable ? null : desktop(),
        };
        return _dialog is not null
            ? (await FromDialogAsync(_dialog, request, mfaSerial, spent, cancellationToken).ConfigureAwait(false), CodeOrigin.Prompt)
            : (await FromTerminalAsync(mfaSerial, spent, cancellationToken).ConfigureAwait(false), CodeOrigin.Prompt);
    }

    /// <summary>A setting from the named profile down its chain, the nearest that is set; looked up only when a code is needed.</summary>
    private (string Value, string Profile)? NearestSetting(CodeContext request, string key)
    {
        foreach (var name in request.SettingsProfiles)
        {
            if (profiles.FindSetting(name, key) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return (value, name);
            }
        }

        return null;
    }

    private enum PromptMode
    {
        /// <summary>The terminal when there is one, else a desktop dialog when one can be shown.</summary>
        Auto,
        Terminal,

        /// <summary>A desktop dialog even with a terminal; the terminal when no dialog can be shown.</summary>
        Desktop,
    }

    /// <summary>AWSMFA_PROMPT, else the nearest mfa_prompt down the profile's chain, else auto.</summary>
    private PromptMode ReadPromptMode(CodeContext request)
    {
        var (text, where) = environment.Get(PromptVariable) is { Length: > 0 } fromEnvironment
            ? (fromEnvironment, PromptVariable)
            : NearestSetting(request, PromptSetting) is { } fromProfile
                ? (fromProfile.Value, $"{PromptSetting} in profile '{fromProfile.Profile}'")
                : (null, "");
        return text?.Trim().ToLowerInvariant() switch
        {
            null or "auto" => PromptMode.Auto,
            "terminal" => PromptMode.Terminal,
            "desktop" => PromptMode.Desktop,
            _ => throw AwsmfaException.Usage($"{where} must be auto, terminal or desktop"),
        };
    }

    /// <summary>The code from a desktop dialog, with the terminal prompt's checks: three tries, each told why the last was refused.</summary>
    private async Task<string> FromDialogAsync(IDesktopPrompt dialog, CodeContext request, string mfaSerial, Func<string, bool> spent, CancellationToken cancellationToken)
    {
        var timeout = HelperProcess.Timeout(environment, MfaProcess.TimeoutVariable, MfaProcess.DefaultTimeout);
        var profile = request.Profile;
        while (_asked < Attempts)
        {
            _asked++;
            var text = $"MFA code for profile {profile}\n{mfaSerial}" + (_dialogNote is null ? "" : $"\n\n{_dialogNote}");
            _dialogNote = null;
            var answer = await dialog.AskAsync(DialogTitle, text, timeout, cancellationToken).ConfigureAwait(false);
            if (answer.NotShown is { } why)
            {
                throw AwsmfaException.Usage(
                    $"the MFA code dialog ({dialog.Name}) could not be shown: {why}; check DISPLAY, or pass the code with --token-code or {EnvironmentVariable}; nothing was sent to AWS");
            }

            if (answer.Cancelled)
            {
                throw new AwsmfaException(ExitCodes.AwsError, "the MFA code dialog was cancelled; nothing was sent to AWS");
            }

            if (answer.TimedOut)
            {
                throw new AwsmfaException(ExitCodes.AwsError, $"no answer in the MFA code dialog within {(int)timeout.TotalSeconds} s ({MfaProcess.TimeoutVariable}); nothing was sent to AWS");
            }

            if (!TokenCode.TryNormalize(answer.Text, out var code))
            {
                _dialogNote = $"That is not a valid code: {TokenCode.FormatHint}.";
            }
            else if (spent(code))
            {
                _dialogNote = "That code was already used or rejected; wait for the next one.";
            }
            else
            {
                return code;
            }
        }

        throw AwsmfaException.Usage("no valid MFA code was entered");
    }

    private async Task<string> FromProcessAsync(string command, Func<string, bool> spent, CancellationToken cancellationToken)
    {
        for (var step = 1; ; step++)
        {
            var code = await mfaProcess.GetCodeAsync(command, cancellationToken).ConfigureAwait(false);
            if (!spent(code))
            {
                return code;
            }

            if (step == Attempts)
            {
                throw AwsmfaException.Usage($"mfa_process printed codes that were already used, {Attempts} times over {Attempts} 30-second steps; is it the right device and account?");
            }

            // TOTP codes change on 30-second boundaries of Unix time.
            var now = clock.GetUtcNow();
            var wait = Step - TimeSpan.FromSeconds(now.ToUnixTimeSeconds() % 30) + TimeSpan.FromSeconds(1);
            reporter.Info($"mfa_process printed a code that was already used; waiting {(int)wait.TotalSeconds}s for the next one");
            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> FromTerminalAsync(string mfaSerial, Func<string, bool> spent, CancellationToken cancellationToken)
    {
        if (!terminal.IsAvailable)
        {
            throw AwsmfaException.Usage(
                $"an MFA code is needed and there is no terminal to ask, nor a desktop dialog (DISPLAY and zenity or kdialog): pass --token-code CODE, --token-code - (one line on stdin), set {EnvironmentVariable}, or set mfa_process in the profile");
        }

        while (_asked < Attempts)
        {
            _asked++;
            var answer = await terminal.PromptAsync($"MFA code for {mfaSerial}: ", cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                // Ctrl-D echoes no line break: the error goes on a line of its own, not after the prompt.
                terminal.WriteLine(string.Empty);
                break;
            }

            if (!TokenCode.TryNormalize(answer, out var code))
            {
                terminal.WriteLine($"That is not a valid code: {TokenCode.FormatHint}.");
            }
            else if (spent(code))
            {
                terminal.WriteLine("This code was already used or rejected; wait for the next one.");
            }
            else
            {
                return code;
            }
        }

        throw AwsmfaException.Usage("no valid MFA code was entered");
    }
}

/// <summary>The code given is the one the cached entry was minted with: <see cref="CachedStep"/> serves that entry.</summary>
/// <summary>What a code is asked for, passed by the step that spends it.</summary>
/// <param name="Given">--token-code or - (and whether AWSMFA_TOKEN_CODE may serve).</param>
/// <param name="SettingsProfiles">The profiles whose <c>mfa_process</c> and <c>mfa_prompt</c> apply, nearest first.</param>
/// <param name="Profile">The profile a dialog names.</param>
/// <param name="ReplacedCodeHash">The code hash of the cache entry being replaced: that code is never sent again.</param>
internal sealed record CodeContext(TokenCodeOption Given, IReadOnlyList<string> SettingsProfiles, string Profile, string? ReplacedCodeHash)
{
    public static CodeContext For(SessionRequest request, MintContext mint) => new(
        request.TokenCode, request.ProfileChain, request.ProfileChain.Count > 0 ? request.ProfileChain[0] : request.Profile, mint.ReplacedCodeHash);
}

internal sealed class CodeAlreadySpent : Exception
{
    public CodeAlreadySpent()
        : base("The MFA code was spent on the cached entry.")
    {
    }
}
