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

    /// <summary>A hash of the MFA code the session was minted with (codes are single-use and expire within a minute).</summary>
    [JsonPropertyName("codeHash")]
    public string? CodeHash { get; init; }

    [JsonIgnore]
    public SessionCredentials Credentials => new(AccessKeyId, SecretAccessKey, SessionToken, Expiration);

    // The JSON may say null where a string belongs; nothing on disk is trusted to be complete.
    [JsonIgnore]
    public bool IsWellFormed =>
        Version == CurrentVersion
        && !string.IsNullOrEmpty(Key) && !string.IsNullOrEmpty(Profile) && !string.IsNullOrEmpty(MfaSerial)
        && !string.IsNullOrEmpty(AccessKeyId) && !string.IsNullOrEmpty(SecretAccessKey) && !string.IsNullOrEmpty(SessionToken)
        && Expiration != default;

    public override string ToString() => $"CacheEntry {{ Profile = {Profile}, MfaSerial = {MfaSerial}, Expiration = {Expiration:O} }}";
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CacheEntry))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
