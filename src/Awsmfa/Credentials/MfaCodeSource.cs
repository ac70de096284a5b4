using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Finds the MFA code, first match wins: <c>--token-code CODE</c>, <c>--token-code -</c> (one line
/// on stdin), <c>AWSMFA_TOKEN_CODE</c>, then a prompt on the terminal.
/// </summary>
internal sealed class MfaCodeSource(IEnvironment environment, IStandardInput standardInput, ITerminal terminal)
{
    public const string StdinMarker = "-";
    public const string EnvironmentVariable = "AWSMFA_TOKEN_CODE";
    private const int Attempts = 3;

    public async Task<string> GetCodeAsync(TokenCodeSource source, string mfaSerial, CancellationToken cancellationToken)
    {
        if (source.Option == StdinMarker)
        {
            var line = await standardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            return TokenCode.TryNormalize(line, out var fromStdin)
                ? fromStdin
                : throw AwsmfaException.Usage(line is null
                    ? "--token-code - found no line on stdin"
                    : $"the line on stdin is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (source.Option is not null)
        {
            return TokenCode.TryNormalize(source.Option, out var fromOption)
                ? fromOption
                : throw AwsmfaException.Usage($"--token-code is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (environment.Get(EnvironmentVariable) is { } fromEnvironment)
        {
            return TokenCode.TryNormalize(fromEnvironment, out var code)
                ? code
                : throw AwsmfaException.Usage($"{EnvironmentVariable} is not a valid MFA code: {TokenCode.FormatHint}");
        }

        if (!terminal.IsAvailable)
        {
            throw AwsmfaException.Usage(
                $"an MFA code is needed and there is no terminal to ask: pass --token-code CODE, --token-code - (one line on stdin), or set {EnvironmentVariable}");
        }

        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var answer = await terminal.PromptAsync($"MFA code for {mfaSerial}: ", cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                break;
            }

            if (TokenCode.TryNormalize(answer, out var code))
            {
                return code;
            }

            terminal.WriteLine($"That is not a valid code: {TokenCode.FormatHint}.");
        }

        throw AwsmfaException.Usage("no valid MFA code was entered");
    }
}
