using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Awsmfa.Aws;

namespace Awsmfa.Keyring;

/// <summary>
/// Windows Credential Manager (a generic credential per profile, persisted for this user on this
/// machine), as <c>cmdkey</c> and the Credential Manager control panel show it.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe partial class WindowsCredentialKeyring : IKeyring
{
    private const uint GenericType = 1;
    private const uint PersistLocalMachine = 2;
    private const int NotFound = 1168;

    public string Backend => KeyringBackends.WindowsCredentials;

    public Task<LongTermCredentials?> ReadAsync(string profile, CancellationToken cancellationToken)
    {
        if (!CredRead(KeyringItems.Target(profile), GenericType, 0, out var credential))
        {
            var error = Marshal.GetLastPInvokeError();
            return error == NotFound ? Task.FromResult<LongTermCredentials?>(null) : throw Failed("read", error);
        }

        try
        {
            var secret = new ReadOnlySpan<byte>(credential->CredentialBlob, (int)credential->CredentialBlobSize).ToArray();
            return Task.FromResult<LongTermCredentials?>(KeyringSecrets.Decode(secret, profile, Backend));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(credential->CredentialBlob, (int)credential->CredentialBlobSize));
            CredFree(credential);
        }
    }

    public Task WriteAsync(string profile, LongTermCredentials keys, DateTimeOffset added, CancellationToken cancellationToken)
    {
        var secret = KeyringSecrets.Encode(keys);
        try
        {
            fixed (char* target = KeyringItems.Target(profile))
            fixed (char* comment = KeyringItems.Label(profile))
            fixed (char* user = keys.AccessKeyId)
            fixed (byte* blob = secret)
            {
                var credential = new Credential
                {
                    Type = GenericType,
                    TargetName = target,
                    Comment = comment,
                    CredentialBlobSize = (uint)secret.Length,
                    CredentialBlob = blob,
                    Persist = PersistLocalMachine,
                    UserName = user,
                };
                if (!CredWrite(&credential, 0))
                {
                    throw Failed("store", Marshal.GetLastPInvokeError());
                }
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
        if (CredDelete(KeyringItems.Target(profile), GenericType, 0))
        {
            return Task.FromResult(true);
        }

        var error = Marshal.GetLastPInvokeError();
        return error == NotFound ? Task.FromResult(false) : throw Failed("remove", error);
    }

    private static KeyringUnavailableException Failed(string what, int error) =>
        new($"Windows Credential Manager could not {what} awsmfa's credential (error {error}: {new System.ComponentModel.Win32Exception(error).Message})");

    [StructLayout(LayoutKind.Sequential)]
    private struct Credential
    {
        public uint Flags;
        public uint Type;
        public char* TargetName;
        public char* Comment;
        public uint LastWrittenLow;
        public uint LastWrittenHigh;
        public uint CredentialBlobSize;
        public byte* CredentialBlob;
        public uint Persist;
        public uint AttributeCount;
        public void* Attributes;
        public char* TargetAlias;
        public char* UserName;
    }

    [LibraryImport("advapi32.dll", EntryPoint = "CredReadW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CredRead(string target, uint type, uint flags, out Credential* credential);

    [LibraryImport("advapi32.dll", EntryPoint = "CredWriteW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CredWrite(Credential* credential, uint flags);

    [LibraryImport("advapi32.dll", EntryPoint = "CredDeleteW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CredDelete(string target, uint type, uint flags);

    [LibraryImport("advapi32.dll", EntryPoint = "CredFree")]
    private static partial void CredFree(void* buffer);
}
