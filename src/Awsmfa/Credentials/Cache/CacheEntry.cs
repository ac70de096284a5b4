using System.Text.Json.Serialization;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>One cached step's credentials, as stored on disk. It holds no long-term secret.</summary>
internal sealed record CacheEntry
{
    public const int CurrentVersion = 2;

    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("key")]
    public string Key { get; init; } = "";

    /// <summary>The step that minted the credentials, e.g. <c>sts.GetSessionToken</c> or <c>sts.AssumeRole</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("profile")]
    public string Profile { get; init; } = "";

    [JsonPropertyName("mfaSerial")]
    public string MfaSerial { get; init; } = "";

    /// <summary>Where the keys below came from (file, environment, process, keyring); absent in entries of earlier versions (file).</summary>
    [JsonPropertyName("root")]
    public string? Root { get; init; }

    [JsonPropertyName("roleArn")]
    public string? RoleArn { get; init; }

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

    /// <summary>A hash of the MFA code the credentials were minted with (codes are single-use and expire within a minute).</summary>
    [JsonPropertyName("codeHash")]
    public string? CodeHash { get; init; }

    [JsonIgnore]
    public SessionCredentials Credentials => new(AccessKeyId, SecretAccessKey, SessionToken, Expiration);

    // The JSON may say null where a string belongs, and a file may have been planted: nothing on
    // disk is trusted to be complete or to have the shape of what AWS issues.
    // Each step type has its own rules: an MFA session has a device, a federation token none;
    // no entry may claim to live longer than its step can.
    [JsonIgnore]
    public bool IsWellFormed =>
        Version == CurrentVersion
        && !string.IsNullOrEmpty(Key) && StepTypes.IsKnown(Type) && !string.IsNullOrEmpty(Profile)
        && (!StepTypes.NeedsMfaSerial(Type) || !string.IsNullOrEmpty(MfaSerial))
        && StsAnswer.HasValidShape(AccessKeyId, SecretAccessKey, SessionToken)
        && Expiration != default && CreatedAt != default && Expiration - CreatedAt <= StepTypes.LongestLife(Type);

    public static CacheEntry From(string key, StepIdentity identity, MintedCredentials minted, DateTimeOffset now) => new()
    {
        Version = CurrentVersion,
        Key = key,
        Type = identity.Type,
        Profile = identity.Profile,
        MfaSerial = identity.MfaSerial ?? "",
        Root = identity.Root,
        RoleArn = identity.RoleArn,
        AccessKeyId = minted.Credentials.AccessKeyId,
        SecretAccessKey = minted.Credentials.SecretAccessKey,
        SessionToken = minted.Credentials.SessionToken,
        Expiration = minted.Credentials.Expiration,
        CreatedAt = now,
        CodeHash = minted.CodeHash,
    };

    public override string ToString() => $"CacheEntry {{ Type = {Type}, Profile = {Profile}, MfaSerial = {MfaSerial}, Expiration = {Expiration:O} }}";
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CacheEntry))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
