using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Session;

/// <summary>Writes a session in the shapes shells, env files and SDKs read.</summary>
internal static class SessionOutput
{
    public const string Env = "env";
    public const string Dotenv = "dotenv";
    public const string Fish = "fish";
    public const string PowerShell = "powershell";
    public const string Json = "json";
    public const string CredentialProcess = "credential-process";

    public static readonly string[] Formats = [Env, Dotenv, Fish, PowerShell, Json, CredentialProcess];

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static IReadOnlyList<KeyValuePair<string, string>> Variables(SessionCredentials credentials) =>
    [
        new("AWS_ACCESS_KEY_ID", credentials.AccessKeyId),
        new("AWS_SECRET_ACCESS_KEY", credentials.SecretAccessKey),
        new("AWS_SESSION_TOKEN", credentials.SessionToken),
        new("AWS_CREDENTIAL_EXPIRATION", FormatTime(credentials.Expiration)),
    ];

    public static void Write(string format, SessionCredentials credentials, TextWriter output)
    {
        switch (format)
        {
            case Env:
                WriteLines(credentials, output, (name, value) => $"export {name}={PosixQuote(value)}");
                break;
            case Dotenv:
                WriteLines(credentials, output, (name, value) => $"{name}={DotenvValue(value)}");
                break;
            case Fish:
                WriteLines(credentials, output, (name, value) => $"set -gx {name} {FishQuote(value)};");
                break;
            case PowerShell:
                WriteLines(credentials, output, (name, value) => $"$Env:{name} = {PowerShellQuote(value)}");
                break;
            case Json:
                WriteJson(credentials, output, credentialProcess: false);
                break;
            case CredentialProcess:
                WriteJson(credentials, output, credentialProcess: true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format.");
        }
    }

    /// <summary>Single quotes keep every character literal in sh, bash and zsh; a quote itself is closed, escaped and reopened.</summary>
    public static string PosixQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string FishQuote(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string PowerShellQuote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    // Env files (docker --env-file, GitHub's $GITHUB_ENV) take the rest of the line literally and
    // have no quoting, so a value that would break the line is refused rather than mangled.
    private static string DotenvValue(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0
            ? value
            : throw new AwsmfaException(ExitCodes.AwsError, "a credential contains a line break and cannot be written as dotenv; use --output json");

    private static void WriteLines(SessionCredentials credentials, TextWriter output, Func<string, string, string> line)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Variables(credentials))
        {
            text.Append(line(name, value)).Append('\n');
        }

        output.Write(text.ToString());
    }

    private static void WriteJson(SessionCredentials credentials, TextWriter output, bool credentialProcess)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = !credentialProcess, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (credentialProcess)
            {
                json.WriteNumber("Version", 1);
            }

            json.WriteString("AccessKeyId", credentials.AccessKeyId);
            json.WriteString("SecretAccessKey", credentials.SecretAccessKey);
            json.WriteString("SessionToken", credentials.SessionToken);
            json.WriteString("Expiration", FormatTime(credentials.Expiration));
            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }
}
