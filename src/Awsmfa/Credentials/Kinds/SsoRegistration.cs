using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>
/// An OIDC client registration (RegisterClient's id and secret) kept as the AWS CLI v2 keeps it,
/// beside the tokens in <c>~/.aws/sso/cache</c>, so a sign-in registers once per session and
/// flow for the registration's 90 days, and awsmfa and the AWS CLI reuse each other's. The file
/// is named by the AWS CLI's key (<c>BaseSSOTokenFetcher._registration_cache_key</c>): SHA-1 of
/// Python's <c>json.dumps({tool, startUrl, region, scopes, session_name}, sort_keys=True)</c>,
/// with <c>scopes</c> and <c>session_name</c> null when the config has none. It holds
/// <c>clientId</c>, <c>clientSecret</c>, <c>expiresAt</c>, <c>scopes</c> and, for the
/// authorization code flow, <c>grantTypes</c>: a registration without them is a device code one.
/// </summary>
internal sealed record SsoRegistration(string ClientId, string ClientSecret, DateTimeOffset ExpiresAt, string[] Scopes, string[]? GrantTypes)
{
    /// <summary>The AWS CLI's window: a registration with less left is registered again.</summary>
    public static readonly TimeSpan ReuseWithin = TimeSpan.FromMinutes(15);

    private const long MaxBytes = 64 * 1024;

    public bool ForAuthorizationCode => GrantTypes?.Contains("authorization_code") == true;

    /// <remarks>SHA-1 names the file, as the AWS CLI names it; it protects nothing.</remarks>
    public static string PathFor(SsoTarget sso)
    {
        var key = new StringBuilder("{\"region\": ").Append(PythonJson(sso.Region)).Append(", \"scopes\": ");
        if (sso.ConfiguredScopes is null)
        {
            key.Append("null");
        }
        else
        {
            key.Append('[').AppendJoin(", ", sso.ConfiguredScopes.Select(PythonJson)).Append(']');
        }

        key.Append(", \"session_name\": ").Append(sso.Name is null ? "null" : PythonJson(sso.Name))
            .Append(", \"startUrl\": ").Append(PythonJson(sso.StartUrl)).Append(", \"tool\": \"botocore\"}");
#pragma warning disable CA5350 // The AWS CLI's file name, not a security use.
        var name = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(key.ToString())));
#pragma warning restore CA5350
        return Path.Combine(Path.GetDirectoryName(sso.TokenFile)!, name + ".json");
    }

    /// <summary>
    /// The cached registration for this flow, or null when there is none, it is another flow's,
    /// lacks one of <paramref name="scopes"/> (the AWS CLI registers a device code client with
    /// none when the session names none: its tokens would not refresh), is someone else's,
    /// unreadable, or runs out within <see cref="ReuseWithin"/>.
    /// </summary>
    public static SsoRegistration? Read(string path, bool forAuthorizationCode, IReadOnlyCollection<string> scopes, DateTimeOffset now)
    {
        var document = Load(path);
        string? Text(string key) => document?[key]?.GetValueKind() == JsonValueKind.String ? document[key]!.GetValue<string>() : null;
        // botocore asks `'authorization_code' in grantTypes`, which a lone string answers as well.
        string[]? Texts(string key) => document?[key] switch
        {
            JsonArray array when array.All(n => n?.GetValueKind() == JsonValueKind.String) => [.. array.Select(n => n!.GetValue<string>())],
            JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
            _ => null,
        };

        var registration = Text("clientId") is { Length: > 0 } id && Text("clientSecret") is { Length: > 0 } secret
            && DateTimeOffset.TryParse(Text("expiresAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires)
            ? new SsoRegistration(id, secret, expires, Texts("scopes") ?? [], Texts("grantTypes"))
            : null;
        return registration is not null && registration.ExpiresAt - now >= ReuseWithin && registration.ForAuthorizationCode == forAuthorizationCode
            && scopes.All(registration.Scopes.Contains)
            ? registration
            : null;
    }

    public void Write(string path)
    {
        var document = new JsonObject
        {
            ["clientId"] = ClientId,
            ["clientSecret"] = ClientSecret,
            ["expiresAt"] = Timestamps.Format(ExpiresAt),
        };
        if (Scopes.Length > 0)
        {
            document["scopes"] = new JsonArray([.. Scopes.Select(s => (JsonNode)s)]);
        }

        if (GrantTypes is not null)
        {
            document["grantTypes"] = new JsonArray([.. GrantTypes.Select(s => (JsonNode)s)]);
        }

        AtomicFile.CreateFolder(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(document.ToJsonString()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Forgets this registration (the service no longer takes it), so the next sign-in registers again; one another sign-in has cached since is kept.</summary>
    public void Forget(string path)
    {
        if (Load(path)?["clientId"] is JsonValue id && id.GetValueKind() == JsonValueKind.String && id.GetValue<string>() == ClientId)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The file's JSON object; null when it is missing, someone else's, too large or no JSON object.</summary>
    private static JsonObject? Load(string path)
    {
        if (FileStatus.Following(path) is not { IsSomeoneElses: false } || RegularFile.Read(path, MaxBytes, FileShare.ReadWrite) is not { } read)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(read.Bytes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string as Python's <c>json.dumps</c> writes it (ensure_ascii): anything outside printable ASCII as a lower-case <c>\uXXXX</c>.</summary>
    private static string PythonJson(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                >= ' ' and <= '~' => c.ToString(),
                _ => $"\\u{(int)c:x4}",
            });
        }

        return json.Append('"').ToString();
    }
}
