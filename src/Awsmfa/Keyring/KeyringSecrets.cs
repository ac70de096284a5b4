using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Awsmfa.Aws;
using Awsmfa.Credentials;

namespace Awsmfa.Keyring;

/// <summary>The secret of an awsmfa keyring item: a small JSON document, checked on the way back.</summary>
internal static class KeyringSecrets
{
    // Relaxed: a secret's '+' stays '+' for a person who copies it out of Seahorse or Keychain Access.
    private static readonly KeyringSecretJsonContext Json = new(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static byte[] Encode(LongTermCredentials keys) =>
        JsonSerializer.SerializeToUtf8Bytes(new StoredSecret(1, keys.AccessKeyId, keys.SecretAccessKey), Json.StoredSecret);

    /// <summary>The keys in <paramref name="secret"/>, which is zeroed; a secret that is not awsmfa's is refused, never shown.</summary>
    public static LongTermCredentials Decode(byte[] secret, string profile, string backend)
    {
        try
        {
            var stored = JsonSerializer.Deserialize(secret, Json.StoredSecret);
            if (stored is { Version: 1 } && StsAnswer.HasValidKeyShape(stored.AccessKeyId, stored.SecretAccessKey))
            {
                return new LongTermCredentials(stored.AccessKeyId, stored.SecretAccessKey);
            }
        }
        catch (JsonException)
        {
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        throw new KeyringItemUnreadableException(
            $"the {backend} item for profile '{profile}' does not hold keys awsmfa stored; store them again: awsmfa keys add --profile {profile} --yes");
    }
}

/// <summary>The index, indented for a person who opens it.</summary>
[JsonSerializable(typeof(KeyringIndexFile))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class KeyringJsonContext : JsonSerializerContext;

/// <summary>A keyring item's secret, on one line as password managers show it.</summary>
[JsonSerializable(typeof(StoredSecret))]
internal sealed partial class KeyringSecretJsonContext : JsonSerializerContext;
