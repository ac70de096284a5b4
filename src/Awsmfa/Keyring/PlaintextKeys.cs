using Awsmfa.Credentials;
using Awsmfa.Platform;

namespace Awsmfa.Keyring;

/// <summary>The key lines one section of a shared file holds.</summary>
internal sealed record PlaintextSection(string Path, string Section, string? AccessKeyId, string? SecretAccessKey);

/// <summary>
/// Finds and takes a profile's key lines out of a shared credentials or config file and nothing
/// else: the file is handled as bytes, so every other section, comment, blank line, line ending,
/// byte-order mark and non-UTF-8 byte stays as it was, and so does the file's mode. Only lines
/// whose values are the keys being moved go (with that section's session-token line). The file is
/// replaced atomically (a temp file beside it, then a rename).
/// </summary>
internal static class PlaintextKeys
{
    private const string IdKey = "aws_access_key_id";
    private const string SecretKey = "aws_secret_access_key";
    private static readonly string[] TokenKeys = ["aws_session_token", "aws_security_token"];

    /// <summary>Every section named <paramref name="section"/> in the file that has a key line, with its values.</summary>
    public static IReadOnlyList<PlaintextSection> Find(string path, string section)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var found = new List<PlaintextSection>();
        PlaintextSection? current = null;
        foreach (var line in IniLines.Lines(File.ReadAllBytes(AtomicFile.Target(path))))
        {
            if (IniLines.Header(line.Text) is { } name)
            {
                Flush();
                current = name == section ? new PlaintextSection(path, section, null, null) : null;
            }
            else if (current is not null && IniLines.Setting(line.Text) is var (key, value))
            {
                current = key switch
                {
                    IdKey => current with { AccessKeyId = value },
                    SecretKey => current with { SecretAccessKey = value },
                    _ => current,
                };
            }
        }

        Flush();
        return found;

        void Flush()
        {
            if (current is { AccessKeyId: not null } or { SecretAccessKey: not null })
            {
                found.Add(current);
            }
        }
    }

    /// <summary>Removes, in the sections named <paramref name="section"/>, the lines holding exactly these keys (and those sections' session-token lines); the number removed.</summary>
    public static int Remove(string path, string section, Aws.LongTermCredentials keys)
    {
        var target = AtomicFile.Target(path);
        var bytes = File.ReadAllBytes(target);
        var lines = IniLines.Lines(bytes).ToList();
        var drop = new HashSet<int>();
        var inSection = false;
        var sectionLines = new List<int>();
        var matched = false;
        for (var i = 0; i <= lines.Count; i++)
        {
            var header = i < lines.Count ? IniLines.Header(lines[i].Text) : "";
            if (header is not null)
            {
                if (matched)
                {
                    drop.UnionWith(sectionLines);
                }

                inSection = header == section && i < lines.Count;
                sectionLines.Clear();
                matched = false;
                continue;
            }

            if (!inSection || IniLines.Setting(lines[i].Text) is not var (key, value))
            {
                continue;
            }

            if ((key == IdKey && value == keys.AccessKeyId) || (key == SecretKey && value == keys.SecretAccessKey))
            {
                drop.Add(i);
                matched = true;
            }
            else if (TokenKeys.Contains(key))
            {
                sectionLines.Add(i);
            }
        }

        if (drop.Count == 0)
        {
            return 0;
        }

        using var kept = new MemoryStream(bytes.Length);
        for (var i = 0; i < lines.Count; i++)
        {
            if (!drop.Contains(i))
            {
                kept.Write(bytes, lines[i].Start, lines[i].Length);
            }
        }

        AtomicFile.Write(target, kept.ToArray(), OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(target));
        return drop.Count;
    }
}
