using Awsmfa.Platform;

namespace Awsmfa.Keyring;

/// <summary>The keyring of this OS, or the one <c>AWSMFA_KEYRING</c> names.</summary>
internal static class KeyringBackends
{
    public const string Variable = "AWSMFA_KEYRING";
    public const string SecretService = "secret-service";
    public const string WindowsCredentials = "wincred";
    public const string Keychain = "keychain";

    public static IKeyring Open(IEnvironment environment)
    {
        var named = environment.Get(Variable)?.Trim();
        var backend = named is { Length: > 0 }
            ? named
            : OperatingSystem.IsWindows() ? WindowsCredentials : OperatingSystem.IsMacOS() ? Keychain : SecretService;
        return backend switch
        {
            SecretService => new SecretServiceKeyring(environment),
            WindowsCredentials when OperatingSystem.IsWindows() => new WindowsCredentialKeyring(),
            Keychain when OperatingSystem.IsMacOS() => new MacKeychain(),
            WindowsCredentials or Keychain => throw new KeyringUnavailableException($"{Variable}={backend}: that keyring exists only on {(backend == Keychain ? "macOS" : "Windows")}"),
            _ => throw AwsmfaException.Usage($"{Variable} must be {SecretService}, {WindowsCredentials} or {Keychain}"),
        };
    }
}
