using Awsmfa.Aws;
using Awsmfa.Keyring;
using Awsmfa.Platform;

namespace Awsmfa.Tests.Integration;

/// <summary>The OS's own keyring (Credential Manager on Windows, the login Keychain on macOS), on the CI runners of those systems.</summary>
[TestFixture]
[Category("Integration")]
// Serial: the OS's own keyring (Credential Manager, the login Keychain) is the machine's, shared by every test there.
[NonParallelizable]
[Platform(Include = "Win,MacOsX", Reason = "Credential Manager and the Keychain exist only there; Linux tests the Secret Service")]
public sealed class KeyringBackendTests
{
    [Test]
    public async Task Stores_reads_replaces_and_removes_one_profiles_keys()
    {
        var keyring = KeyringBackends.Open(new SystemEnvironment());
        var profile = "awsmfa-test-" + Guid.NewGuid().ToString("N")[..8];
        var first = new LongTermCredentials("AKIABACKENDTEST00001", "BackendSecretBackendSecretBackendSecret1");
        var second = new LongTermCredentials("AKIABACKENDTEST00002", "BackendSecretBackendSecretBackendSecret2");
        try
        {
            Assert.That(await keyring.ReadAsync(profile, CancellationToken.None), Is.Null);
            await keyring.WriteAsync(profile, first, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.That(await keyring.ReadAsync(profile, CancellationToken.None), Is.EqualTo(first));
            await keyring.WriteAsync(profile, second, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.That(await keyring.ReadAsync(profile, CancellationToken.None), Is.EqualTo(second));
        }
        finally
        {
            Assert.That(await keyring.RemoveAsync(profile, CancellationToken.None), Is.True);
        }

        Assert.That(await keyring.ReadAsync(profile, CancellationToken.None), Is.Null);
        Assert.That(await keyring.RemoveAsync(profile, CancellationToken.None), Is.False);
    }
}
