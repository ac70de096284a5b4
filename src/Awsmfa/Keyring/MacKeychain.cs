using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Awsmfa.Aws;

namespace Awsmfa.Keyring;

/// <summary>
/// The login Keychain: a generic password per profile (service "awsmfa: profile NAME", account
/// NAME), as Keychain Access shows it. The SecKeychain calls take plain C strings and buffers,
/// where the SecItem ones would need a CoreFoundation dictionary bridge for the same three
/// operations.
/// </summary>
[SupportedOSPlatform("macos")]
internal sealed unsafe partial class MacKeychain : IKeyring
{
    private const string Security = "/System/Library/Frameworks/Security.framework/Security";
    private const string CoreFoundation = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation";
    private const int ItemNotFound = -25300;

    public string Backend => KeyringBackends.Keychain;

    public Task<LongTermCredentials?> ReadAsync(string profile, CancellationToken cancellationToken)
    {
        var status = Find(profile, withData: true, out var length, out var data, out var item);
        if (status == ItemNotFound)
        {
            return Task.FromResult<LongTermCredentials?>(null);
        }

        Check(status, "read");
        try
        {
            var secret = new ReadOnlySpan<byte>(data, (int)length).ToArray();
            return Task.FromResult<LongTermCredentials?>(KeyringSecrets.Decode(secret, profile, Backend));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(data, (int)length));
            _ = SecKeychainItemFreeContent(null, data);
            CFRelease(item);
        }
    }

    public Task WriteAsync(string profile, LongTermCredentials keys, DateTimeOffset added, CancellationToken cancellationToken)
    {
        var secret = KeyringSecrets.Encode(keys);
        try
        {
            var status = Find(profile, withData: false, out _, out _, out var item);
            if (status == ItemNotFound)
            {
                var service = Encoding.UTF8.GetBytes(KeyringItems.Label(profile));
                var account = Encoding.UTF8.GetBytes(profile);
                fixed (byte* s = service)
                fixed (byte* a = account)
                fixed (byte* p = secret)
                {
                    void* created;
                    Check(SecKeychainAddGenericPassword(null, (uint)service.Length, s, (uint)account.Length, a, (uint)secret.Length, p, &created), "store");
                    CFRelease(created);
                }

                return Task.CompletedTask;
            }

            Check(status, "read");
            try
            {
                fixed (byte* p = secret)
                {
                    Check(SecKeychainItemModifyAttributesAndData(item, null, (uint)secret.Length, p), "store");
                }
            }
            finally
            {
                CFRelease(item);
            }

            return Task.CompletedTask;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public Task<bool> RemoveAsync(string profile, CancellationToken cancellationToken)
    {
        var status = Find(profile, withData: false, out _, out _, out var item);
        if (status == ItemNotFound)
        {
            return Task.FromResult(false);
        }

        Check(status, "read");
        try
        {
            Check(SecKeychainItemDelete(item), "remove");
        }
        finally
        {
            CFRelease(item);
        }

        return Task.FromResult(true);
    }

    /// <summary>The profile's item; its password only when <paramref name="withData"/> (asking for it can need the user's consent).</summary>
    private static int Find(string profile, bool withData, out uint length, out void* data, out void* item)
    {
        var service = Encoding.UTF8.GetBytes(KeyringItems.Label(profile));
        var account = Encoding.UTF8.GetBytes(profile);
        fixed (byte* s = service)
        fixed (byte* a = account)
        {
            uint l = 0;
            void* d = null;
            void* i;
            var status = SecKeychainFindGenericPassword(null, (uint)service.Length, s, (uint)account.Length, a, withData ? &l : null, withData ? &d : null, &i);
            length = status == 0 ? l : 0;
            data = status == 0 ? d : null;
            item = status == 0 ? i : null;
            return status;
        }
    }

    private static void Check(int status, string what)
    {
        if (status != 0)
        {
            throw new KeyringUnavailableException($"the login Keychain could not {what} awsmfa's item (OSStatus {status}); unlock it with: security unlock-keychain");
        }
    }

    [LibraryImport(Security)]
    private static partial int SecKeychainFindGenericPassword(void* keychain, uint serviceLength, byte* service, uint accountLength, byte* account, uint* passwordLength, void** passwordData, void** item);

    [LibraryImport(Security)]
    private static partial int SecKeychainAddGenericPassword(void* keychain, uint serviceLength, byte* service, uint accountLength, byte* account, uint passwordLength, byte* passwordData, void** item);

    [LibraryImport(Security)]
    private static partial int SecKeychainItemModifyAttributesAndData(void* item, void* attributes, uint length, byte* data);

    [LibraryImport(Security)]
    private static partial int SecKeychainItemDelete(void* item);

    [LibraryImport(Security)]
    private static partial int SecKeychainItemFreeContent(void* attributes, void* data);

    [LibraryImport(CoreFoundation)]
    private static partial void CFRelease(void* value);
}
