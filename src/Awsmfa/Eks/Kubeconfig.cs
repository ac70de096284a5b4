using System.Text.RegularExpressions;
using Awsmfa.Platform;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Awsmfa.Eks;

/// <summary>What <c>update-kubeconfig</c> puts in a kubeconfig: one cluster, one user, one context.</summary>
/// <param name="ExecArguments">The user's <c>exec</c> arguments after <c>awsmfa</c>.</param>
internal sealed record KubeconfigEntry(string ClusterName, string Server, string CertificateAuthorityData, string UserName, string ContextName, IReadOnlyList<string> ExecArguments);

/// <summary>What a merge found: whether the context was there, and the user it named before.</summary>
internal sealed record KubeconfigMerge(bool ContextExisted, string? PreviousUser);

/// <summary>
/// Merges awsmfa's entry into a kubeconfig at the YAML node level (YamlDotNet's representation
/// model): every other cluster, user and context, and every field awsmfa does not know, stays as
/// it was, which a typed round trip would not promise. No reflection, so Native AOT stays clean.
/// The file is replaced atomically, mode 0600.
/// </summary>
internal static partial class Kubeconfig
{
    public const string ExecApiVersion = "client.authentication.k8s.io/v1beta1";

    /// <summary><c>--kubeconfig</c>, else the first file of <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    public static string PathFor(string? option, IEnvironment environment) =>
        option
        ?? environment.Get("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
        ?? Path.Combine(environment.HomeDirectory, ".kube", "config");

    /// <summary>Writes the entry under kubectl's lock; whether the context was already there, and its user then.</summary>
    /// <param name="lockTimeout">How long to wait for another writer's lock before saying so.</param>
    public static KubeconfigMerge Merge(string path, KubeconfigEntry entry, TimeSpan lockTimeout)
    {
        EnsureFolder(path);
        using var held = Lock(path, lockTimeout);
        var root = Load(path);
        var previousUser = ContextUser(root, entry.ContextName);
        Upsert(root, "clusters", entry.ClusterName, "cluster", Map(
            ("server", Str(entry.Server)),
            ("certificate-authority-data", Str(entry.CertificateAuthorityData))));
        Upsert(root, "users", entry.UserName, "user", Map(
            ("exec", Map(
                ("apiVersion", Str(ExecApiVersion)),
                ("command", Str("awsmfa")),
                ("args", new YamlSequenceNode(entry.ExecArguments.Select(a => (YamlNode)Str(a)))),
                ("interactiveMode", Str("IfAvailable"))))));
        var existed = Upsert(root, "contexts", entry.ContextName, "context", Map(
            ("cluster", Str(entry.ClusterName)),
            ("user", Str(entry.UserName))));
        root.Children[Str("current-context")] = Str(entry.ContextName);
        Save(path, root);
        return new KubeconfigMerge(existed, previousUser);
    }

    /// <summary>
    /// kubectl's own lock: <c>FILE.lock</c>, created exclusively and removed when done, so that
    /// parallel writers (kubectl, awsmfa, the AWS CLI) take turns instead of each writing over
    /// what the others read before.
    /// </summary>
    private static FileStream Lock(string path, TimeSpan timeout)
    {
        // The name kubectl (client-go) locks: the path as given, not the file a symlink leads to.
        var lockPath = Path.GetFullPath(path) + ".lock";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            // The holder may let go between this create and a look at the file (it is deleted on
            // close): "already exists" is the answer itself, not a second look that can miss it.
            catch (IOException e) when ((AlreadyExists(e) || File.Exists(lockPath)) && waited.Elapsed < timeout)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(20 + Random.Shared.Next(30)));
            }
            catch (IOException e) when (AlreadyExists(e) || File.Exists(lockPath))
            {
                throw AwsmfaException.Usage(
                    $"{Output.Printable.OneLine(lockPath)} has been held for {timeout.TotalSeconds:0} s (kubectl or another awsmfa writing the kubeconfig); if none is running, remove it");
            }
        }
    }

    /// <summary>EEXIST on Linux and macOS (the errno), ERROR_FILE_EXISTS on Windows (the HRESULT).</summary>
    private static bool AlreadyExists(IOException e) => e is not DirectoryNotFoundException && e.HResult is 17 or unchecked((int)0x80070050);

    private static string? ContextUser(YamlMappingNode root, string contextName) =>
        root.Children.TryGetValue(Str("contexts"), out var node) && node is YamlSequenceNode contexts
            ? contexts.Children.OfType<YamlMappingNode>()
                .Where(c => c.Children.TryGetValue(Str("name"), out var name) && name is YamlScalarNode { Value: var value } && value == contextName)
                .Select(c => c.Children.TryGetValue(Str("context"), out var context) && context is YamlMappingNode map && map.Children.TryGetValue(Str("user"), out var user) && user is YamlScalarNode scalar ? scalar.Value : null)
                .FirstOrDefault()
            : null;

    private static YamlMappingNode Load(string path)
    {
        var status = FileStatus.Following(path);
        if (status is { Kind: not FileKind.Regular })
        {
            throw AwsmfaException.Usage($"{Output.Printable.OneLine(path)} is not a regular file; name a kubeconfig file with --kubeconfig");
        }

        var text = status is null ? "" : File.ReadAllText(path);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw AwsmfaException.Usage($"{Output.Printable.OneLine(path)} is not a kubeconfig awsmfa can read (YAML error at line {e.Start.Line}); nothing was changed");
        }

        if (stream.Documents.Count == 0)
        {
            return Map(
                ("apiVersion", Str("v1")),
                ("kind", Str("Config")),
                ("preferences", new YamlMappingNode()),
                ("clusters", new YamlSequenceNode()),
                ("contexts", new YamlSequenceNode()),
                ("users", new YamlSequenceNode()));
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw AwsmfaException.Usage($"{Output.Printable.OneLine(path)} is not a kubeconfig (its top level is not a mapping); nothing was changed");
    }

    /// <summary>Replaces the named item of a list (clusters, users, contexts), or appends it; true when it was there.</summary>
    private static bool Upsert(YamlMappingNode root, string list, string name, string field, YamlMappingNode value)
    {
        if (!root.Children.TryGetValue(Str(list), out var node) || node is not YamlSequenceNode items)
        {
            // Absent, or `clusters:` with nothing (null): a list of its own now.
            items = [];
            root.Children[Str(list)] = items;
        }

        var item = Map(("name", Str(name)), (field, value));
        for (var i = 0; i < items.Children.Count; i++)
        {
            if (items.Children[i] is YamlMappingNode existing && existing.Children.TryGetValue("name", out var named) && named is YamlScalarNode { Value: var value2 } && value2 == name)
            {
                items.Children[i] = item;
                return true;
            }
        }

        items.Add(item);
        return false;
    }

    private static void Save(string path, YamlMappingNode root)
    {
        var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends a document with "...": kubectl reads it, people do not expect it.
        if (text.EndsWith("...\n", StringComparison.Ordinal))
        {
            text = text[..^4];
        }

        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static void EnsureFolder(string path)
    {
        var folder = Path.GetDirectoryName(AtomicFile.Target(path))!;
        if (Directory.Exists(folder))
        {
            return;
        }

        AtomicFile.CreateFolder(folder);
    }

    private static YamlMappingNode Map(params (string Key, YamlNode Value)[] pairs)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in pairs)
        {
            map.Add(Str(key), value);
        }

        return map;
    }

    /// <summary>A string scalar, quoted when YAML would otherwise read it as a number, a boolean or null.</summary>
    private static YamlScalarNode Str(string value) =>
        new(value) { Style = value.Length == 0 || NotAPlainString().IsMatch(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };

    [GeneratedRegex(@"\A(?:[-+.]?[0-9].*|true|false|yes|no|on|off|y|n|null|~|\.inf|\.nan)\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotAPlainString();
}
