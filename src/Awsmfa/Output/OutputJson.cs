using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Awsmfa.Output;

/// <summary>Credentials as <c>-o json</c> prints them.</summary>
internal sealed record CredentialsJson(string AccessKeyId, string SecretAccessKey, string SessionToken, string Expiration)
{
    /// <summary>The region the session was resolved for; left out when none was.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Region { get; init; }
}

/// <summary>The credential_process contract: Version 1 and the four fields.</summary>
internal sealed record CredentialProcessJson(int Version, string AccessKeyId, string SecretAccessKey, string SessionToken, string Expiration);

/// <summary>One cached entry as <c>session list -o json</c> prints it: no secrets.</summary>
/// <param name="Renews">Inside the expiry margin: no longer served, the next command renews it.</param>
internal sealed record CachedSessionJson(string Profile, string Type, string Root, string? MfaSerial, string? RoleArn, string Expiration, long SecondsLeft, bool Expired, bool Renews);

/// <summary>One instance as <c>ec2 list -o json</c> prints it; Region only when the listing spans several.</summary>
internal sealed record InstanceJson(
    string InstanceId,
    string? Name,
    string State,
    string? InstanceType,
    string? AvailabilityZone,
    string? PrivateIpAddress,
    string? PublicIpAddress,
    string? LaunchTime,
    Dictionary<string, string> Tags)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Region { get; init; }
}

/// <summary>What an instance action did to one instance.</summary>
internal sealed record InstanceChangeJson(string InstanceId, string? PreviousState, string? CurrentState, string? Error)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Region { get; init; }
}

/// <summary>One profile as <c>profile list -o json</c> prints it.</summary>
internal sealed record ProfileJson(string Profile, string Kind, string? MfaSerial, string? Source, string? Region, string? SessionExpiration);

/// <summary><c>doctor -o json</c>: every check, and the counts.</summary>
internal sealed record MfaDeviceJson(string SerialNumber, string Type, string? EnableDate, bool GivesCodes, bool ProfileMfaSerial);

internal sealed record DoctorJson(List<DoctorCheckJson> Checks, int Ok, int Warnings, int Failures);

internal sealed record DoctorCheckJson(string Check, string Status, string Message);

/// <summary><c>whoami -o json</c>.</summary>
internal sealed record WhoamiJson(string Account, string Arn, string UserId, string Source, string? Expiration);

/// <summary>The container-credentials answer every AWS SDK reads (as ECS and EKS serve it).</summary>
internal sealed record ContainerCredentialsJson(string AccessKeyId, string SecretAccessKey, string Token, string Expiration, string? RoleArn);

/// <summary>An error from the credentials endpoint, in the shape the SDKs log.</summary>
/// <summary>What a kubectl exec credential plugin prints (client.authentication.k8s.io), field names as Kubernetes spells them.</summary>
internal sealed record ExecCredentialJson(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("apiVersion")] string ApiVersion,
    [property: JsonPropertyName("spec")] ExecCredentialSpecJson Spec,
    [property: JsonPropertyName("status")] ExecCredentialStatusJson Status);

internal sealed record ExecCredentialSpecJson;

internal sealed record ExecCredentialStatusJson(
    [property: JsonPropertyName("expirationTimestamp")] string ExpirationTimestamp,
    [property: JsonPropertyName("token")] string Token);

internal sealed record ContainerErrorJson(string Code, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(ExecCredentialJson))]
[JsonSerializable(typeof(CredentialsJson))]
[JsonSerializable(typeof(CredentialProcessJson))]
[JsonSerializable(typeof(ContainerCredentialsJson))]
[JsonSerializable(typeof(ContainerErrorJson))]
[JsonSerializable(typeof(List<CachedSessionJson>))]
[JsonSerializable(typeof(List<InstanceJson>))]
[JsonSerializable(typeof(List<InstanceChangeJson>))]
[JsonSerializable(typeof(List<ProfileJson>))]
[JsonSerializable(typeof(List<MfaDeviceJson>))]
[JsonSerializable(typeof(List<Cli.Keys.KeyJson>))]
[JsonSerializable(typeof(WhoamiJson))]
[JsonSerializable(typeof(DoctorJson))]
internal sealed partial class OutputJsonContext : JsonSerializerContext;

/// <summary>Every JSON document awsmfa prints: source-generated, one encoder, PascalCase as AWS writes it.</summary>
internal static class OutputJson
{
    // Relaxed: '+' and non-ASCII text stay as they are; quotes, backslashes and control
    // characters are still escaped, so the document is valid JSON whatever the values hold.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly OutputJsonContext Indented = new(new JsonSerializerOptions { WriteIndented = true, Encoder = Encoder });

    public static readonly OutputJsonContext Compact = new(new JsonSerializerOptions { WriteIndented = false, Encoder = Encoder });

    public static void Write<T>(TextWriter output, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        output.Write(JsonSerializer.Serialize(value, type));
        output.Write('\n');
    }
}
