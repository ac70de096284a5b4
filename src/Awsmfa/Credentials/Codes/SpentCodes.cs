using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Awsmfa.Credentials;

/// <summary>
/// The MFA codes AWS accepted in the last few minutes, per device, so that none is ever sent
/// again: AWS accepts each code once, and a second use reads to the user as a wrong code. Only a
/// salted hash and the time are kept, in the owner-only cache folder; never the code.
/// </summary>
internal sealed class SpentCodes(SessionCache cache, TimeProvider clock)
{
    /// <summary>A TOTP code is valid for its 30-second step and, with clock drift allowed, a few more.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(5);

    /// <summary>What became of a code sent to AWS.</summary>
    public enum Use
    {
        Accepted,
        Rejected,
    }

    /// <summary>How AWS took this code in the last few minutes, or null when it was not sent.</summary>
    public Use? WasSpent(string code, string mfaSerial)
    {
        var memory = Read(mfaSerial);
        var now = clock.GetUtcNow();
        return memory?.Codes.LastOrDefault(c => now - c.At < Remembered && c.Hash == Hash(memory.Salt, code)) is { } spent
            ? spent.Rejected ? Use.Rejected : Use.Accepted
            : null;
    }

    /// <summary>
    /// Remembers a code AWS accepted or rejected (either way, sending it again cannot work); a
    /// failure to write costs only this protection, so it is not an error.
    /// </summary>
    public async Task RememberAsync(string code, string mfaSerial, CancellationToken cancellationToken, bool rejected = false)
    {
        var key = KeyFor(mfaSerial);
        IDisposable? held;
        try
        {
            held = await cache.LockAsync(key, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsmfaException)
        {
            // The credentials AWS just minted matter more than this memory: go on without it.
            return;
        }

        using var _ = held;
        var now = clock.GetUtcNow();
        var memory = Read(mfaSerial) ?? new SpentCodeMemory { Salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) };
        memory = memory with
        {
            Codes = [.. memory.Codes.Where(c => now - c.At < Remembered).TakeLast(20), new SpentCode(Hash(memory.Salt, code), now) { Rejected = rejected }],
        };
        cache.TryWriteFile(key, JsonSerializer.SerializeToUtf8Bytes(memory, SpentCodesJsonContext.Default.SpentCodeMemory));
    }

    private SpentCodeMemory? Read(string mfaSerial)
    {
        if (cache.TryReadFile(KeyFor(mfaSerial)) is not { } bytes)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, SpentCodesJsonContext.Default.SpentCodeMemory) is { Salt.Length: > 0 } memory ? memory : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Not a .json name: session list and clear leave this memory alone (it holds no secret, and AWS still remembers the codes).
    private static string KeyFor(string mfaSerial) =>
        "spent-" + Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes("awsmfa-spent-v1\0" + mfaSerial)));

    private static string Hash(string salt, string code) =>
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes($"{salt}\0{code}")));
}

internal sealed record SpentCode(
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    [JsonPropertyName("rejected")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Rejected { get; init; }
}

internal sealed record SpentCodeMemory
{
    [JsonPropertyName("salt")]
    public string Salt { get; init; } = "";

    [JsonPropertyName("codes")]
    public IReadOnlyList<SpentCode> Codes { get; init; } = [];
}

[JsonSerializable(typeof(SpentCodeMemory))]
internal sealed partial class SpentCodesJsonContext : JsonSerializerContext;
