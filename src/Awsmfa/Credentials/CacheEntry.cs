using System.Text.Json.Serialization;

namespace Awsmfa.Credentials;

/// <summary>One cached session, as stored on disk. It holds no long-term secret.</summary>
internal sealed record CacheEntry
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("key")]
    public string Key { get; init; } = "";

    [JsonPropertyName("profile")]
    public string Profile { get; init; } = "";

    [JsonPropertyName("mfaSerial")]
    public string MfaSerial { get; init; } = "";

    [JsonPropertyName("accessKeyId")]
    public string AccessKeyId { get; init; } = "";

    [JsonPropertyName("secretAccessKey")]
    public string SecretAccessKey { get; init; } = "";

    [JsonPropertyName("sessionToken")]
    public string SessionToken { get; init; } = "";

    [JsonPropertyName("expiration")]
    public DateTimeOffset Expiration { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonIgnore]
    public SessionCredentials Credentials => new(AccessKeyId, SecretAccessKey, SessionToken, Expiration);

    [JsonIgnore]
    public bool IsWellFormed =>
        Version == CurrentVersion
        && Key.Length > 0 && Profile.Length > 0 && MfaSerial.Length > 0
        && AccessKeyId.Length > 0 && SecretAccessKey.Length > 0 && SessionToken.Length > 0
        && Expiration != default;

    public override string ToString() => $"CacheEntry {{ Profile = {Profile}, MfaSerial = {MfaSerial}, Expiration = {Expiration:O} }}";
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CacheEntry))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
