using Awsmfa.Aws;

namespace Awsmfa.Keyring;

/// <summary>
/// The OS's store of secrets, holding one IAM user's long-term keys per profile: the Secret
/// Service on Linux, Credential Manager on Windows, the login Keychain on macOS. Every call may
/// fail with <see cref="KeyringUnavailableException"/>; none ever falls back to a file.
/// </summary>
internal interface IKeyring
{
    /// <summary>secret-service, wincred or keychain: what <c>keys list</c> shows and <c>AWSMFA_KEYRING</c> names.</summary>
    string Backend { get; }

    /// <summary>The profile's keys, or null when the keyring holds none for it.</summary>
    Task<LongTermCredentials?> ReadAsync(string profile, CancellationToken cancellationToken);

    /// <summary>Stores the profile's keys, replacing any it held.</summary>
    Task WriteAsync(string profile, LongTermCredentials keys, DateTimeOffset added, CancellationToken cancellationToken);

    /// <summary>Removes the profile's keys; false when there were none.</summary>
    Task<bool> RemoveAsync(string profile, CancellationToken cancellationToken);
}

/// <summary>No keyring can be reached, or it refused: what is missing and what to do, in one line (exit 2).</summary>
internal class KeyringUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    public AwsmfaException ToUsage() => new(ExitCodes.UsageError, Message, this);
}

/// <summary>The keyring holds an item for the profile that does not hold keys awsmfa stored (damaged, or written by another program).</summary>
internal sealed class KeyringItemUnreadableException(string message) : KeyringUnavailableException(message);

/// <summary>What awsmfa stores as a keyring item's secret: the two keys, nothing else.</summary>
internal sealed record StoredSecret(int Version, string AccessKeyId, string SecretAccessKey);

/// <summary>The attributes and label of awsmfa's items, the same in every backend.</summary>
internal static class KeyringItems
{
    public const string Application = "awsmfa";

    public static string Label(string profile) => $"awsmfa: profile {profile}";

    /// <summary>Credential Manager's target name and the Keychain's service: unique per profile, recognisably awsmfa's.</summary>
    public static string Target(string profile) => $"awsmfa:profile:{profile}";
}
