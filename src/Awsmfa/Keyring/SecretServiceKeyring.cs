using Awsmfa.Aws;
using Awsmfa.Platform;
using Tmds.DBus.Protocol;

namespace Awsmfa.Keyring;

/// <summary>
/// The freedesktop Secret Service over the D-Bus session bus (GNOME Keyring, KeePassXC, KWallet),
/// spoken with Tmds.DBus.Protocol: no libsecret, Native AOT clean. Items live in the default
/// collection with the attributes <c>application=awsmfa</c> and <c>profile=NAME</c> and the label
/// "awsmfa: profile NAME"; only items with awsmfa's attribute are ever searched, changed or
/// deleted. A keyring that can be unlocked only through a prompt is reported, never prompted.
/// </summary>
internal sealed class SecretServiceKeyring(IEnvironment environment) : IKeyring
{
    private const string Bus = "org.freedesktop.secrets";
    private const string ServicePath = "/org/freedesktop/secrets";
    private const string LoginCollection = "/org/freedesktop/secrets/collection/login";
    private const string Service = "org.freedesktop.Secret.Service";
    private const string Collection = "org.freedesktop.Secret.Collection";
    private const string Item = "org.freedesktop.Secret.Item";
    private const string Properties = "org.freedesktop.DBus.Properties";
    private const string DBusName = "org.freedesktop.DBus";
    private const string DBusPath = "/org/freedesktop/DBus";
    private const string DBusInterface = "org.freedesktop.DBus";

    /// <summary>A keyring waiting on a dialog nobody sees must not hold the command for ever.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private const string WhatToDo =
        "start one (gnome-keyring-daemon --components=secrets, or KeePassXC with Secret Service integration), or keep the keys in ~/.aws/credentials";

    public string Backend => KeyringBackends.SecretService;

    public Task<LongTermCredentials?> ReadAsync(string profile, CancellationToken cancellationToken) =>
        WithSessionAsync<LongTermCredentials?>(async session =>
        {
            var items = await session.FindAsync(profile).ConfigureAwait(false);
            var item = items.Count > 0 ? items[0] : null;
            return item is null ? null : KeyringSecrets.Decode(await session.SecretOfAsync(item).ConfigureAwait(false), profile, Backend);
        }, cancellationToken);

    public Task WriteAsync(string profile, LongTermCredentials keys, DateTimeOffset added, CancellationToken cancellationToken) =>
        WithSessionAsync(async session =>
        {
            var collection = await session.DefaultCollectionAsync().ConfigureAwait(false);
            var secret = KeyringSecrets.Encode(keys);
            string stored;
            try
            {
                stored = await session.StoreAsync(collection, profile, secret).ConfigureAwait(false);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            }

            // Replacing works within one collection: an older item in another would be found first.
            foreach (var other in (await session.FindAsync(profile).ConfigureAwait(false)).Where(i => i != stored))
            {
                await session.DeleteAsync(other).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    public Task<bool> RemoveAsync(string profile, CancellationToken cancellationToken) =>
        WithSessionAsync(async session =>
        {
            var items = await session.FindAsync(profile).ConfigureAwait(false);
            foreach (var item in items)
            {
                await session.DeleteAsync(item).ConfigureAwait(false);
            }

            return items.Count > 0;
        }, cancellationToken);

    private async Task<T> WithSessionAsync<T>(Func<SecretSession, Task<T>> work, CancellationToken cancellationToken)
    {
        var address = SessionBusAddress()
            ?? throw new KeyringUnavailableException($"no Secret Service reachable: there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set); {WhatToDo}");
        CheckBusIsOurs(address);
        using var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(CallTimeout, cancellationToken).ConfigureAwait(false);
            var session = await SecretSession.OpenAsync(connection).WaitAsync(CallTimeout, cancellationToken).ConfigureAwait(false);
            // Opening the session (which starts an activatable service) sends nothing secret; every
            // later call may: the service must be a process of this user, as libsecret requires.
            await SecretSession.CheckServiceIsOursAsync(connection).WaitAsync(CallTimeout, cancellationToken).ConfigureAwait(false);
            return await work(session).WaitAsync(CallTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new KeyringUnavailableException($"the Secret Service did not answer within {CallTimeout.TotalSeconds:0} s (is it waiting for an unlock dialog?)", e);
        }
        catch (DBusConnectionException e)
        {
            throw new KeyringUnavailableException($"no Secret Service reachable: cannot connect to the D-Bus session bus ({Output.Printable.OneLine(e.Message)}); {WhatToDo}", e);
        }
        catch (DBusErrorReplyException e) when (e.ErrorName is "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner")
        {
            throw new KeyringUnavailableException($"no Secret Service on the D-Bus session; {WhatToDo}", e);
        }
        catch (DBusExceptionBase e)
        {
            throw new KeyringUnavailableException($"the Secret Service refused: {Output.Printable.OneLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// A bus socket of another user (XDG_RUNTIME_DIR or DBUS_SESSION_BUS_ADDRESS pointed at a
    /// folder where someone else runs a bus) is refused before anything is sent: that user's
    /// "Secret Service" would receive the keys.
    /// </summary>
    private static void CheckBusIsOurs(string address)
    {
        foreach (var entry in address.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!entry.StartsWith("unix:", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var pair in entry["unix:".Length..].Split(','))
            {
                if (pair.StartsWith("path=", StringComparison.Ordinal)
                    && Uri.UnescapeDataString(pair["path=".Length..]) is var path
                    && FileStatus.Following(path) is { IsSomeoneElses: true } status)
                {
                    throw new KeyringUnavailableException(
                        $"the D-Bus session bus {Output.Printable.OneLine(path)} belongs to another user (uid {status.OwnerId}): awsmfa sends keys only to a bus of your own; check DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR");
                }
            }
        }
    }

    /// <summary>DBUS_SESSION_BUS_ADDRESS, else the systemd user bus in XDG_RUNTIME_DIR.</summary>
    private string? SessionBusAddress()
    {
        if (environment.Get("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 } address)
        {
            return address;
        }

        return environment.Get("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && File.Exists(Path.Combine(runtime, "bus"))
            ? "unix:path=" + Path.Combine(runtime, "bus")
            : null;
    }

    /// <summary>One Secret Service session ("plain" transfer: the session bus is the user's own) and the calls awsmfa makes in it.</summary>
    private sealed class SecretSession(DBusConnection connection, string path)
    {
        public static async Task<SecretSession> OpenAsync(DBusConnection connection)
        {
            var path = await Call(connection, ServicePath, Service, "OpenSession", "sv", "vo", (ref MessageWriter w) =>
            {
                w.WriteString("plain");
                w.WriteVariantString("");
            }, (ref Reader r) =>
            {
                r.ReadVariantValue();
                return r.ReadObjectPathAsString();
            }).ConfigureAwait(false);
            return new SecretSession(connection, path);
        }

        /// <summary>The process that owns <c>org.freedesktop.secrets</c> runs as this user, as the bus itself vouches (GetConnectionUnixUser).</summary>
        public static async Task CheckServiceIsOursAsync(DBusConnection connection)
        {
            var owner = await Call(connection, DBusPath, DBusInterface, "GetNameOwner", "s", "s", (ref MessageWriter w) => w.WriteString(Bus), (ref Reader r) => r.ReadString(), DBusName).ConfigureAwait(false);
            var user = await Call(connection, DBusPath, DBusInterface, "GetConnectionUnixUser", "s", "u", (ref MessageWriter w) => w.WriteString(owner), (ref Reader r) => r.ReadUInt32(), DBusName).ConfigureAwait(false);
            if (user != NativeFiles.EffectiveUserId)
            {
                throw new KeyringUnavailableException(
                    $"the Secret Service on this D-Bus session runs as another user (uid {user}): awsmfa sends keys only to a service of your own; check DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR");
            }
        }

        /// <summary>awsmfa's items for the profile, unlocked (without a prompt) when they were locked.</summary>
        public async Task<IReadOnlyList<string>> FindAsync(string profile)
        {
            var (unlocked, locked) = await Call(connection, ServicePath, Service, "SearchItems", "a{ss}", "aoao", (ref MessageWriter w) => WriteAttributes(ref w, profile), (ref Reader r) =>
            {
                var open = ReadPaths(ref r);
                return (Open: open, Locked: ReadPaths(ref r));
            }).ConfigureAwait(false);
            return locked.Count == 0 ? unlocked : [.. unlocked, .. await UnlockAsync(locked).ConfigureAwait(false)];
        }

        public Task<byte[]> SecretOfAsync(string item) =>
            Call(connection, item, Item, "GetSecret", "o", "(oayays)", (ref MessageWriter w) => w.WriteObjectPath(path), (ref Reader r) =>
            {
                r.AlignStruct();
                r.ReadObjectPathAsString();
                r.ReadArrayOfByte();
                var value = r.ReadArrayOfByte();
                r.ReadString();
                return value;
            });

        public async Task<string> DefaultCollectionAsync()
        {
            var collection = await Call(connection, ServicePath, Service, "ReadAlias", "s", "o", (ref MessageWriter w) => w.WriteString("default"), (ref Reader r) => r.ReadObjectPathAsString()).ConfigureAwait(false);
            if (collection == "/")
            {
                try
                {
                    await IsLockedAsync(LoginCollection).ConfigureAwait(false);
                    collection = LoginCollection;
                }
                catch (DBusErrorReplyException)
                {
                    throw new KeyringUnavailableException("the Secret Service has no default keyring to store in: create one (Seahorse, KeePassXC), or unlock the login keyring");
                }
            }

            if (await IsLockedAsync(collection).ConfigureAwait(false))
            {
                await UnlockAsync([collection]).ConfigureAwait(false);
            }

            return collection;
        }

        public async Task<string> StoreAsync(string collection, string profile, byte[] secret)
        {
            var (item, prompt) = await Call(connection, collection, Collection, "CreateItem", "a{sv}(oayays)b", "oo", (ref MessageWriter w) =>
            {
                var properties = w.WriteDictionaryStart();
                w.WriteDictionaryEntryStart();
                w.WriteString("org.freedesktop.Secret.Item.Label");
                w.WriteVariantString(KeyringItems.Label(profile));
                w.WriteDictionaryEntryStart();
                w.WriteString("org.freedesktop.Secret.Item.Attributes");
                w.WriteSignature("a{ss}");
                WriteAttributes(ref w, profile);
                w.WriteDictionaryEnd(properties);
                w.WriteStructureStart();
                w.WriteObjectPath(path);
                w.WriteArray(ReadOnlySpan<byte>.Empty);
                w.WriteArray(secret);
                w.WriteString("application/json");
                // Replaces the item with the same attributes: one item per profile.
                w.WriteBool(true);
            }, (ref Reader r) =>
            {
                var created = r.ReadObjectPathAsString();
                return (Item: created, Prompt: r.ReadObjectPathAsString());
            }).ConfigureAwait(false);
            CheckNoPrompt(prompt, "storing the keys");
            return item;
        }

        public async Task DeleteAsync(string item)
        {
            var prompt = await Call(connection, item, Item, "Delete", null, "o", (ref MessageWriter _) => { }, (ref Reader r) => r.ReadObjectPathAsString()).ConfigureAwait(false);
            CheckNoPrompt(prompt, "removing the keys");
        }

        private Task<bool> IsLockedAsync(string target) =>
            Call(connection, target, Properties, "Get", "ss", "v", (ref MessageWriter w) =>
            {
                w.WriteString(Collection);
                w.WriteString("Locked");
            }, (ref Reader r) =>
            {
                r.ReadSignature("b");
                return r.ReadBool();
            });

        private async Task<IReadOnlyList<string>> UnlockAsync(IReadOnlyList<string> targets)
        {
            var (unlocked, prompt) = await Call(connection, ServicePath, Service, "Unlock", "ao", "aoo", (ref MessageWriter w) =>
            {
                var array = w.WriteArrayStart(DBusType.ObjectPath);
                foreach (var target in targets)
                {
                    w.WriteObjectPath(target);
                }

                w.WriteArrayEnd(array);
            }, (ref Reader r) =>
            {
                var paths = ReadPaths(ref r);
                return (Paths: paths, Prompt: r.ReadObjectPathAsString());
            }).ConfigureAwait(false);
            CheckNoPrompt(prompt, "unlocking it");
            return unlocked;
        }

        private static void CheckNoPrompt(string prompt, string what)
        {
            if (prompt != "/")
            {
                throw new KeyringUnavailableException(
                    $"the keyring is locked and {what} needs an unlock dialog, which awsmfa does not open: unlock the keyring first (log in to the desktop, Seahorse / KeePassXC, or without a desktop: echo 'your keyring password' | gnome-keyring-daemon --unlock --components=secrets)");
            }
        }

        private static void WriteAttributes(ref MessageWriter writer, string profile)
        {
            var attributes = writer.WriteDictionaryStart();
            writer.WriteDictionaryEntryStart();
            writer.WriteString("application");
            writer.WriteString(KeyringItems.Application);
            writer.WriteDictionaryEntryStart();
            writer.WriteString("profile");
            writer.WriteString(profile);
            writer.WriteDictionaryEnd(attributes);
        }

        private static List<string> ReadPaths(ref Reader reader)
        {
            var paths = new List<string>();
            var end = reader.ReadArrayStart(DBusType.ObjectPath);
            while (reader.HasNext(end))
            {
                paths.Add(reader.ReadObjectPathAsString());
            }

            return paths;
        }

        private delegate void Body(ref MessageWriter writer);

        private delegate T Answer<T>(ref Reader reader);

        private static Task<T> Call<T>(DBusConnection connection, string target, string @interface, string member, string? signature, string answer, Body body, Answer<T> read, string destination = Bus)
        {
            MessageBuffer message;
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(destination, target, @interface, member, signature, MessageFlags.None);
                body(ref writer);
                message = writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }

            return connection.CallMethodAsync(message, (Message reply, object? _) =>
            {
                if (reply.SignatureAsString != answer)
                {
                    throw new KeyringUnavailableException($"the Secret Service answered {member} with an unexpected reply ({reply.SignatureAsString})");
                }

                var reader = reply.GetBodyReader();
                return read(ref reader);
            }, null);
        }
    }
}
