using System.IO.Hashing;
using System.Text;

namespace Awsmfa.Credentials;

/// <summary>The names cache entries are stored under, and the hashes that recognise a code.</summary>
internal static class CacheKeys
{
    /// <summary>An entry's name: a hash, so the file name reveals neither the key id nor the device.</summary>
    /// <remarks>
    /// XxHash128 rather than SHA-256: the name only has to be stable and opaque inside a folder
    /// that is the user's alone, and SHA-256 here means loading OpenSSL, a quarter of the time of
    /// a cached run.
    /// </remarks>
    public static string For(IEnumerable<string> parts) =>
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes("awsmfa-cache-v2\0" + string.Join('\0', parts))));

    /// <summary>Identifies the code a session was minted with, so that parallel runs given the same code recognise its session.</summary>
    public static string CodeHash(string code, string mfaSerial) =>
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes($"awsmfa-code-v1\0{mfaSerial}\0{code}")));
}
