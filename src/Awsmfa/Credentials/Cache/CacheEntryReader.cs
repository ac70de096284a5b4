using System.Text.Json;

namespace Awsmfa.Credentials;

/// <summary>
/// Reads a cache entry with <see cref="Utf8JsonReader"/>: the document every cached answer reads.
/// The source-generated serializer writes entries (<see cref="CacheJsonContext"/>), but on Native
/// AOT its first use builds metadata (property names escaped by the JavaScript encoder, the type's
/// attributes read by reflection) that cost a third of a cached run; this reads the same names,
/// and a round-trip test holds the two together. Unknown properties are skipped; a value of the
/// wrong kind is a <see cref="JsonException"/>.
/// </summary>
internal static class CacheEntryReader
{
    public static CacheEntry Read(ReadOnlySpan<byte> json) => JsonValues.Read(json, ReadObject);

    private static CacheEntry ReadObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a cache entry is a JSON object");
        }

        var entry = new CacheEntry();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("version"u8))
            {
                entry = entry with { Version = JsonValues.Next(ref reader, JsonTokenType.Number) ? reader.GetInt32() : 0 };
            }
            else if (reader.ValueTextEquals("key"u8))
            {
                entry = entry with { Key = JsonValues.String(ref reader)! };
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                entry = entry with { Type = JsonValues.String(ref reader)! };
            }
            else if (reader.ValueTextEquals("profile"u8))
            {
                entry = entry with { Profile = JsonValues.String(ref reader)! };
            }
            else if (reader.ValueTextEquals("mfaSerial"u8))
            {
                entry = entry with { MfaSerial = JsonValues.String(ref reader)! };
            }
            else if (reader.ValueTextEquals("root"u8))
            {
                entry = entry with { Root = JsonValues.String(ref reader) };
            }
            else if (reader.ValueTextEquals("roleArn"u8))
            {
                entry = entry with { RoleArn = JsonValues.String(ref reader) };
            }
            else if (reader.ValueTextEquals("accessKeyId"u8))
            {
                entry = entry with { AccessKeyId = JsonValues.String(ref reader)! };
            }
            else if (reader.ValueTextEquals("secretAccessKey"u8))
            {
                entry = entry with { SecretAccessKey = JsonValues.String(ref reader)! };
            }
            else if (reader.ValueTextEquals("sessionToken"u8))
            {
                entry = entry with { SessionToken = JsonValues.String(ref reader)! };
            }
            else if (reader.ValueTextEquals("expiration"u8))
            {
                entry = entry with { Expiration = Time(ref reader) };
            }
            else if (reader.ValueTextEquals("createdAt"u8))
            {
                entry = entry with { CreatedAt = Time(ref reader) };
            }
            else if (reader.ValueTextEquals("codeHash"u8))
            {
                entry = entry with { CodeHash = JsonValues.String(ref reader) };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject ? entry : throw new JsonException("a cache entry ends where its object ends");
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader) =>
        JsonValues.Next(ref reader, JsonTokenType.String)
            ? reader.TryGetDateTimeOffset(out var time) ? time : throw new JsonException("a time in ISO 8601 was expected")
            : default;
}
