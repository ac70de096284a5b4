using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// Keys from a profile's <c>credential_process</c> (a password manager: <c>op</c>, <c>pass</c>,
/// <c>bw</c>, <c>gopass</c>, aws-vault's export), run as the AWS CLI runs it: the command line
/// split into words, no shell unless it names one, its stderr relayed, its stdout the
/// credential_process JSON (<c>Version: 1</c>). Long-term keys sign GetSessionToken; temporary
/// ones (a <c>SessionToken</c>) can only be the source of a role hop. Nothing it prints is
/// written anywhere.
/// </summary>
internal sealed class CredentialProcessRoot(
    ProcessRootSpec spec, IReadOnlyList<string> resolving, IEnvironment environment, HelperProcess runner, TimeProvider clock) : ICredentialRoot
{
    public const string TimeoutVariable = "AWSMFA_CREDENTIAL_PROCESS_TIMEOUT";

    /// <summary>
    /// The profiles being resolved, passed down to the process: an awsmfa it starts for one of
    /// them (a profile whose credential_process runs awsmfa for itself) refuses at once instead of
    /// starting another, and another, without end.
    /// </summary>
    public const string ResolvingVariable = "AWSMFA_RESOLVING";

    private const string Setting = "credential_process";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public RootIdentity Identity => spec.Identity;

    public async Task<RootCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var words = CommandLine.Split(spec.Command);
        if (words.Count == 0)
        {
            throw HelperProcess.Failed($"{Setting} of profile '{spec.Profile}'", "is empty");
        }

        var program = ProgramPath.Resolve(words[0], environment.Get("PATH"))
            ?? throw HelperProcess.Failed($"{Setting} of profile '{spec.Profile}'", $"names {words[0]}, which is not on PATH");
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo(program, spec.Command[CommandLine.FirstWordLength(spec.Command)..].TrimStart())
            : new ProcessStartInfo(program, words.Skip(1));
        start.Environment[ResolvingVariable] = string.Join(',', resolving);
        var timeout = HelperProcess.Timeout(environment, TimeoutVariable, DefaultTimeout);
        var setting = $"{Setting} of profile '{spec.Profile}'";
        var output = await runner.RunAsync(start, setting, timeout, TimeoutVariable, cancellationToken).ConfigureAwait(false);
        return Parse(output, setting, clock.GetUtcNow());
    }

    /// <summary>The credential_process JSON, checked like an STS answer; exit 2 naming the setting (never a value) otherwise.</summary>
    public static RootCredentials Parse(HelperOutput printed, string setting, DateTimeOffset now)
    {
        CredentialProcessOutput? output;
        try
        {
            output = JsonSerializer.Deserialize(printed.Text, CredentialProcessJsonContext.Default.CredentialProcessOutput);
        }
        catch (JsonException)
        {
            output = null;
        }

        if (output is null)
        {
            throw printed.Failed(setting, "printed something that is not the credential_process JSON ({\"Version\": 1, \"AccessKeyId\": …})");
        }

        if (output.Version != 1)
        {
            throw printed.Failed(setting, $"printed Version {output.Version}; the credential_process JSON has Version 1");
        }

        var temporary = !string.IsNullOrEmpty(output.SessionToken);
        if (temporary
                ? !StsAnswer.HasValidShape(output.AccessKeyId, output.SecretAccessKey, output.SessionToken)
                : !StsAnswer.HasValidKeyShape(output.AccessKeyId, output.SecretAccessKey))
        {
            throw printed.Failed(setting, "printed an AccessKeyId or SecretAccessKey that is missing or not in the shape AWS issues");
        }

        if (output.Expiration is { } expiration && expiration <= now)
        {
            throw printed.Failed(setting, "printed credentials that have expired already");
        }

        return new RootCredentials(output.AccessKeyId!, output.SecretAccessKey!, temporary ? output.SessionToken : null, temporary ? output.Expiration : null);
    }
}

/// <summary>What a credential_process prints (the AWS CLI's specification).</summary>
internal sealed record CredentialProcessOutput(
    int Version,
    string? AccessKeyId,
    string? SecretAccessKey,
    string? SessionToken,
    [property: JsonConverter(typeof(ProcessTimestampConverter))] DateTimeOffset? Expiration);

/// <summary>A profile's credential_process, known by its profile and command line, so that a cached answer never has to run it.</summary>
internal sealed record ProcessRootSpec(string Profile, string Command) : RootSpec(RootIdentity.Process, Profile)
{
    protected override IReadOnlyList<string> OwnKeyParts => [Profile, RootIdentity.Process, Command];

    public override string Description => "keys from its credential_process";

    /// <remarks>A process that prints temporary credentials can only be a role's source: that role may need no MFA.</remarks>
    public override bool RolesFromRootMayNeedNoMfa => true;

    public override ICredentialRoot Create(CredentialRoots roots, SessionRequest request) => roots.Process(this, request);
}

/// <summary>
/// An <c>Expiration</c> as botocore reads it (dateutil): ISO 8601, and also Python's
/// <c>str(datetime)</c>, <c>2026-12-07 13:11:40.388057+00:00</c>, which helpers written in Python
/// print. A time without an offset is UTC, as botocore takes it.
/// </summary>
internal sealed class ProcessTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null
        : reader.TokenType == JsonTokenType.String && DateTimeOffset.TryParse(
            reader.GetString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AllowWhiteSpaces, out var value)
            ? value
            : throw new JsonException("Expiration is not a timestamp");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options) =>
        throw new NotSupportedException("awsmfa only reads credential_process output");
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(CredentialProcessOutput))]
internal sealed partial class CredentialProcessJsonContext : JsonSerializerContext;
