using System.Text.Json;

namespace Awsmfa.Credentials;

/// <summary>
/// What awsmfa's own documents on disk (cache entries, the profile record) share when read with
/// <see cref="Utf8JsonReader"/>: any malformed document is a <see cref="JsonException"/>.
/// </summary>
internal static class JsonValues
{
    public delegate T Reader<out T>(ReadOnlySpan<byte> json);

    /// <summary>
    /// Reads with <paramref name="read"/>; the reader's other failures (invalid UTF-8 in a string,
    /// a number out of range) become a <see cref="JsonException"/> too: not a document awsmfa wrote.
    /// </summary>
    public static T Read<T>(ReadOnlySpan<byte> json, Reader<T> read)
    {
        try
        {
            return read(json);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <summary>Moves to the next value: true when it is a <paramref name="kind"/>, false when it is null, else a <see cref="JsonException"/>.</summary>
    public static bool Next(ref Utf8JsonReader reader, JsonTokenType kind)
    {
        reader.Read();
        return reader.TokenType == kind || (reader.TokenType == JsonTokenType.Null ? false : throw new JsonException($"a {kind} was expected"));
    }

    /// <summary>The next value, a string or null.</summary>
    public static string? String(ref Utf8JsonReader reader) => Next(ref reader, JsonTokenType.String) ? reader.GetString() : null;
}
