using System.Security.Cryptography;

namespace Awsmfa.Tests.Support;

/// <summary>RFC 6238 codes as an authenticator app computes them, written apart from awsmfa's own so a test is no echo of the code it checks.</summary>
internal static class TestTotp
{
    public static string Code(string base32Seed, long step)
    {
        var bits = string.Concat(base32Seed.TrimEnd('=').Select(c => Convert.ToString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(c), 2).PadLeft(5, '0')));
        var key = Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

#pragma warning disable CA5350 // RFC 6238's own algorithm.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0xF;
        var value = ((hash[offset] & 0x7F) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
}
