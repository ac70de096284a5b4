using Awsmfa.Aws;
using Awsmfa.Keyring;

namespace Awsmfa.Tests.Support;

/// <summary>A keyring in memory: what it holds, how often it was opened, and a switch to make it unreachable.</summary>
internal sealed class FakeKeyring : IKeyring
{
    public Dictionary<string, LongTermCredentials> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Set: opening it, or any call, fails as a keyring with no daemon does.</summary>
    public string? Unavailable { get; set; }

    /// <summary>Set: writes fail (reads still work), as a locked collection does.</summary>
    public string? RefuseWrites { get; set; }

    public int Opens { get; private set; }

    /// <summary>Profiles whose item holds something that is not awsmfa's keys.</summary>
    public HashSet<string> Unreadable { get; } = new(StringComparer.Ordinal);

    public string Backend => "fake";

    public IKeyring Open()
    {
        Opens++;
        return Unavailable is { } why ? throw new KeyringUnavailableException(why) : this;
    }

    public Task<LongTermCredentials?> ReadAsync(string profile, CancellationToken cancellationToken)
    {
        Check();
        if (Unreadable.Contains(profile))
        {
            throw new KeyringItemUnreadableException($"the fake item for profile '{profile}' does not hold keys awsmfa stored");
        }

        return Task.FromResult(Items.TryGetValue(profile, out var keys) ? keys : null);
    }

    public Task WriteAsync(string profile, LongTermCredentials keys, DateTimeOffset added, CancellationToken cancellationToken)
    {
        Check();
        if (RefuseWrites is { } why)
        {
            throw new KeyringUnavailableException(why);
        }

        Items[profile] = keys;
        Unreadable.Remove(profile);
        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string profile, CancellationToken cancellationToken)
    {
        Check();
        return Task.FromResult(Items.Remove(profile));
    }

    private void Check()
    {
        if (Unavailable is { } why)
        {
            throw new KeyringUnavailableException(why);
        }
    }
}

/// <summary>IAM's access keys of one user, in memory, with failures on demand.</summary>
internal sealed class FakeIam : IIamAccessKeys
{
    private int _created;

    public List<AccessKeyInfo> Keys { get; } = [];

    public List<string> Calls { get; } = [];

    public Exception? DeleteFails { get; set; }

    /// <summary>Runs after CreateAccessKey, to break something in between.</summary>
    public Action? AfterCreate { get; set; }

    public Task<IReadOnlyList<AccessKeyInfo>> ListAsync(string userName, CancellationToken cancellationToken)
    {
        Calls.Add($"List {userName}");
        return Task.FromResult<IReadOnlyList<AccessKeyInfo>>([.. Keys]);
    }

    public Task<LongTermCredentials> CreateAsync(string userName, CancellationToken cancellationToken)
    {
        Calls.Add($"Create {userName}");
        var n = ++_created;
        var keys = new LongTermCredentials($"AKIANEWKEY{n:D10}", $"NewSecretKeyNewSecretKeyNewSecretKey{n:D4}");
        Keys.Add(new AccessKeyInfo(keys.AccessKeyId, "Active", null));
        AfterCreate?.Invoke();
        return Task.FromResult(keys);
    }

    public Task DeleteAsync(string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        Calls.Add($"Delete {userName} {accessKeyId}");
        if (DeleteFails is { } error)
        {
            return Task.FromException(error);
        }

        Keys.RemoveAll(k => k.AccessKeyId == accessKeyId);
        return Task.CompletedTask;
    }
}
