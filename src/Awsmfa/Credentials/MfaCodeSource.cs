using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Finds the MFA code, first match wins: <c>--token-code CODE</c> or <c>--token-code -</c> (one
/// line on stdin), <c>AWSMFA_TOKEN_CODE</c>, the profile's <c>mfa_process</c>, then a prompt on
/// the terminal. A code AWS already accepted is never sent again (see <see cref="SpentCodes"/>).
/// </summary>
internal sealed class MfaCodeSource(
    IEnvironment environment,
    IProfileStore profiles,
    IStandardInput standardInput,
    ITerminal terminal,
    MfaProcess mfaProcess,
    SpentCodes spentCodes,
    TimeProvider clock,
    Reporter reporter)
{
    public const string StdinMarker = "-";
    public const string EnvironmentVariable = "AWSMFA_TOKEN_CODE";
    private const int Attempts = 3;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A code to send, or null when the cache already holds credentials minted with the very code
    /// given (<paramref name="cachedCodeHash"/>): those are what a call with it would produce.
    /// </summary>
    public async Task<string?> GetFreshCodeAsync(SessionRequest request, string? cachedCodeHash, CancellationToken cancellationToken)
    {
        var serial = request.MfaSerial;
        bool Spent(string code) => SessionCache.CodeHashFor(code, serial) != cachedCodeHash && spentCodes.WasSpent(code, serial);

        // Looked up only now, when a code is needed: a cached answer reads no more of the files.
        var process = request.ProfileChain.Select(name => profiles.FindSetting(name, "mfa_process")).FirstOrDefault(p => !string.IsNullOrWhiteSpace(p));
        var (code, given) = await GetCodeAsync(request.TokenCode, serial, process, Spent, cancellationToken).ConfigureAwait(false);
        if (SessionCache.CodeHashFor(code, serial) == cachedCodeHash)
        {
            return null;
        }

        if (given && spentCodes.WasSpent(code, serial))
        {
            throw new AwsmfaException(
                ExitCodes.AuthenticationRejected,
                "this MFA code was already used (AWS accepts each code once); pass the next code from the device");
        }

        return code;
    }

    /// <summary>Remembers a code AWS accepted, so that it is never sent again.</summary>
    public Task SpentAsync(string code, string mfaSerial, CancellationToken cancellationToken) =>
        spentCodes.RememberAsync(code, mfaSerial, cancellationToken);

    /// <returns>The code, and whether the user gave it (option, stdin, environment) rather than awsmfa asking for it.</returns>
    private async Task<(string Code, bool Given)> GetCodeAsync(
        TokenCodeSource source, string mfaSerial, string? processCommand, Func<string, bool> spent, CancellationToken cancellationToken)
    {
        if (source.Option == StdinMarker)
        {
            var line = await standardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            return TokenCode.TryNormalize(line, out var fromStdin)
                ? (fromStdin, true)
                : throw AwsmfaException.Usage(line is null
                    ? "--token-code - found no line on stdin"
                    : $"the line on stdin is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (source.Option is not null)
        {
            return TokenCode.TryNormalize(source.Option, out var fromOption)
                ? (fromOption, true)
                : throw AwsmfaException.Usage($"--token-code is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (environment.Get(EnvironmentVariable) is { } fromEnvironment)
        {
            return TokenCode.TryNormalize(fromEnvironment, out var code)
                ? (code, true)
                : throw AwsmfaException.Usage($"{EnvironmentVariable} is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (processCommand is not null)
        {
            return (await FromProcessAsync(processCommand, spent, cancellationToken).ConfigureAwait(false), false);
        }

        return (await FromTerminalAsync(mfaSerial, spent, cancellationToken).ConfigureAwait(false), false);
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
                $"an MFA code is needed and there is no terminal to ask: pass --token-code CODE, --token-code - (one line on stdin), set {EnvironmentVariable}, or set mfa_process in the profile");
        }

        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var answer = await terminal.PromptAsync($"MFA code for {mfaSerial}: ", cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                break;
            }

            if (!TokenCode.TryNormalize(answer, out var code))
            {
                terminal.WriteLine($"That is not a valid code: {TokenCode.FormatHint}.");
            }
            else if (spent(code))
            {
                terminal.WriteLine("This code was already used; wait for the next one.");
            }
            else
            {
                return code;
            }
        }

        throw AwsmfaException.Usage("no valid MFA code was entered");
    }
}
