using System.Text;
using Awsmfa.Aws;
using Awsmfa.Output;

namespace Awsmfa.Cli.Session;

internal enum SessionFormat
{
    Env,
    Dotenv,
    Fish,
    PowerShell,
    Json,
    CredentialProcess,
}

/// <summary>Writes a session in the shapes shells, env files and SDKs read.</summary>
internal static class SessionOutput
{
    public static readonly (string Name, SessionFormat Format)[] Formats =
    [
        ("env", SessionFormat.Env),
        ("dotenv", SessionFormat.Dotenv),
        ("fish", SessionFormat.Fish),
        ("powershell", SessionFormat.PowerShell),
        ("json", SessionFormat.Json),
        ("credential-process", SessionFormat.CredentialProcess),
    ];

    public static IReadOnlyList<KeyValuePair<string, string>> Variables(SessionCredentials credentials) =>
    [
        new("AWS_ACCESS_KEY_ID", credentials.AccessKeyId),
        new("AWS_SECRET_ACCESS_KEY", credentials.SecretAccessKey),
        new("AWS_SESSION_TOKEN", credentials.SessionToken),
        new("AWS_CREDENTIAL_EXPIRATION", Timestamps.Format(credentials.Expiration)),
    ];

    /// <summary>
    /// The region the credentials were resolved for, under both names the SDKs and CLIs read:
    /// without it a shell that loaded the session works in another region than awsmfa did.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> RegionVariables(string? region) =>
        region is null ? [] : [new("AWS_REGION", region), new("AWS_DEFAULT_REGION", region)];

    /// <param name="region">The resolved region, if any: shell formats export it, JSON names it; credential-process has no field for it.</param>
    public static void Write(SessionFormat format, SessionCredentials credentials, string? region, TextWriter output)
    {
        switch (format)
        {
            case SessionFormat.Env:
                WriteLines(credentials, region, output, (name, value) => $"export {name}={PosixQuote(value)}");
                break;
            case SessionFormat.Dotenv:
                WriteLines(credentials, region, output, (name, value) => $"{name}={DotenvValue(value)}");
                break;
            case SessionFormat.Fish:
                WriteLines(credentials, region, output, (name, value) => $"set -gx {name} {FishQuote(value)};");
                break;
            case SessionFormat.PowerShell:
                WriteLines(credentials, region, output, (name, value) => $"$Env:{name} = {PowerShellQuote(value)}");
                break;
            case SessionFormat.Json:
                OutputJson.Write(
                    output,
                    new CredentialsJson(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken, Timestamps.Format(credentials.Expiration)) { Region = region },
                    OutputJson.Indented.CredentialsJson);
                break;
            case SessionFormat.CredentialProcess:
                OutputJson.Write(
                    output,
                    new CredentialProcessJson(1, credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken, Timestamps.Format(credentials.Expiration)),
                    OutputJson.Compact.CredentialProcessJson);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format.");
        }
    }

    /// <summary>Single quotes keep every character literal in sh, bash and zsh; a quote itself is closed, escaped and reopened.</summary>
    public static string PosixQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string FishQuote(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>
    /// PowerShell ends a single-quoted string at the typographic quotes U+2018 to U+201B as well
    /// as at ASCII ', and reads any of them doubled as one literal quote.
    /// </summary>
    public static string PowerShellQuote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            if (c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B')
            {
                text.Append(c);
            }

            text.Append(c);
        }

        return text.Append('\'').ToString();
    }

    // Env files (docker --env-file, GitHub's $GITHUB_ENV) take the rest of the line literally and
    // have no quoting, so a value that would break the line is refused rather than mangled.
    private static string DotenvValue(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0
            ? value
            : throw new AwsmfaException(ExitCodes.AwsError, "a credential contains a line break and cannot be written as dotenv; use --output json");

    private static void WriteLines(SessionCredentials credentials, string? region, TextWriter output, Func<string, string, string> line)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Variables(credentials).Concat(RegionVariables(region)))
        {
            text.Append(line(name, value)).Append('\n');
        }

        output.Write(text.ToString());
    }
}
