using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Awsmfa.Credentials;

/// <summary>
/// RFC 6238 time-based codes as AWS's virtual MFA devices make them (HMAC-SHA1, 30-second steps,
/// six digits), from the Base32 seed IAM gives when a device is created: <c>mfa create</c> checks
/// the codes a person types against the device they just scanned before IAM sees them.
/// </summary>
internal static class Totp
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>Base32 (RFC 4648) without padding, as IAM gives seeds: 16 to 128 characters.</summary>
    public static bool IsBase32(string text) => text.Length is >= 16 and <= 128 && text.TrimEnd('=').All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    /// <summary>The step number of <paramref name="at"/>: codes of consecutive steps are consecutive codes.</summary>
    public static long StepOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    /// <summary>The six-digit code of one step.</summary>
    public static string Code(string base32Seed, long step)
    {
        var key = Decode(base32Seed);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6238's algorithm, as every authenticator app and AWS use it; no choice of ours.
        HMACSHA1.HashData(key, counter, hash);
#pragma warning restore CA5350
        CryptographicOperations.ZeroMemory(key);
        var offset = hash[^1] & 0x0F;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFFFFFF) % 1_000_000;
        return value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step whose code is <paramref name="code"/>, within <paramref name="window"/> steps of
    /// <paramref name="at"/> (a phone's clock drifts; AWS allows some too), or null.
    /// </summary>
    public static long? FindStep(string base32Seed, string code, DateTimeOffset at, int window = 2)
    {
        var now = StepOf(at);
        for (var step = now - window; step <= now + window; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(base32Seed, step)), System.Text.Encoding.ASCII.GetBytes(code)))
            {
                return step;
            }
        }

        return null;
    }

    /// <summary>
    /// The <c>otpauth://totp/</c> URI an authenticator app scans, as AWS's console makes it: the
    /// label <c>Amazon Web Services:USER@ACCOUNT</c>, the issuer <c>Amazon Web Services</c>.
    /// </summary>
    public static string Uri(string base32Seed, string userName, string account)
    {
        const string Issuer = "Amazon Web Services";
        var label = System.Uri.EscapeDataString($"{Issuer}:{userName}@{account}");
        return $"otpauth://totp/{label}?secret={base32Seed.TrimEnd('=')}&issuer={System.Uri.EscapeDataString(Issuer)}";
    }

    private static byte[] Decode(string base32)
    {
        var text = base32.TrimEnd('=');
        var bytes = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("not Base32");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        return bytes;
    }
}
