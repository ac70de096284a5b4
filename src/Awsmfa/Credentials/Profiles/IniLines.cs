using System.Text;

namespace Awsmfa.Credentials;

/// <summary>
/// A shared config or credentials file as lines of bytes, for edits that must leave everything
/// else as it was: every other section, comment, blank line, line ending, byte-order mark and
/// non-UTF-8 byte. The text of a line is only for looking.
/// </summary>
internal static class IniLines
{
    /// <summary>The lines of the file, each with its own line ending, as byte ranges.</summary>
    public static IEnumerable<(int Start, int Length, string Text)> Lines(byte[] bytes)
    {
        for (var start = 0; start < bytes.Length;)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', start);
            var end = newline < 0 ? bytes.Length : newline + 1;
            yield return (start, end - start, Encoding.UTF8.GetString(bytes, start, end - start));
            start = end;
        }
    }

    /// <summary>A section header's name (<c>[ profile  prod ]</c> is <c>profile prod</c>), or null.</summary>
    public static string? Header(string line)
    {
        var trimmed = line.Trim().TrimStart('\uFEFF');
        return trimmed.StartsWith('[') && trimmed.IndexOf(']', StringComparison.Ordinal) is > 0 and var end
            ? string.Join(' ', trimmed[1..end].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            : null;
    }

    /// <summary>A <c>key = value</c> (or, as Python's configparser also reads it, <c>key: value</c>) line's key (lower case) and value, or null for anything else.</summary>
    public static (string Key, string Value)? Setting(string line)
    {
        var trimmed = line.Trim();
        var equals = trimmed.IndexOfAny(['=', ':']);
        return equals > 0 && trimmed[0] is not ('#' or ';')
            ? (trimmed[..equals].Trim().ToLowerInvariant(), trimmed[(equals + 1)..].Trim())
            : null;
    }
}

/// <summary>
/// Sets or removes one setting of one section of the config file (<c>mfa create --set</c>,
/// <c>mfa remove</c>): the file is replaced atomically, its mode kept, and only the setting's own
/// lines change (a missing section is added at the end).
/// </summary>
internal static class ProfileSettingEdit
{
    /// <summary>The config file's section of a profile: <c>[default]</c>, else <c>[profile NAME]</c>.</summary>
    public static string SectionOf(string profile) => profile == "default" ? "default" : "profile " + profile;

    /// <param name="value">The new value; null removes every line of the setting in the section.</param>
    /// <returns>Whether the file changed.</returns>
    public static bool Set(string path, string section, string key, string? value)
    {
        // A value is one line: one from an answer of AWS or a stand-in that held a line break
        // would write settings of its own (a credential_process) into the file.
        if (value is not null && (value.Length == 0 || value.Any(char.IsControl)))
        {
            throw new AwsmfaException(ExitCodes.AwsError, $"refusing to write {key} = a value that is empty or not one line into {Output.Printable.OneLine(path)}; nothing was written");
        }

        var target = Platform.AtomicFile.Target(path);
        var bytes = File.Exists(target) ? File.ReadAllBytes(target) : [];
        var lines = IniLines.Lines(bytes).ToList();
        // The AWS CLI reads [profile default] as [default]: a file with only the former is edited there.
        if (section == "default" && !lines.Any(l => IniLines.Header(l.Text) == "default") && lines.Any(l => IniLines.Header(l.Text) == "profile default"))
        {
            section = "profile default";
        }

        var newline = lines.Count > 0 && lines[0].Text.EndsWith("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var line = value is null ? null : Encoding.UTF8.GetBytes($"{key} = {value}{newline}");
        using var edited = new MemoryStream(bytes.Length + 64);
        var inSection = false;
        var placed = false;
        var lastOfSection = -1;
        var changed = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var (start, length, text) = lines[i];
            if (IniLines.Header(text) is { } header)
            {
                inSection = header == section;
                lastOfSection = inSection ? i : lastOfSection;
            }
            else if (inSection && IniLines.Setting(text) is var (found, current) && found == key)
            {
                // The first line of the setting takes the value; any repeat goes.
                if (line is not null && !placed)
                {
                    edited.Write(line);
                    placed = true;
                    changed |= current != value;
                }
                else
                {
                    changed = true;
                }

                continue;
            }
            else if (inSection && text.Trim().Length > 0)
            {
                lastOfSection = i;
            }

            edited.Write(bytes, start, length);
            if (i == lastOfSection && line is not null && !placed && NextIsOutsideSection(lines, i))
            {
                if (!text.EndsWith('\n'))
                {
                    edited.Write(Encoding.UTF8.GetBytes(newline));
                }

                edited.Write(line);
                placed = changed = true;
            }
        }

        if (line is not null && !placed)
        {
            if (bytes.Length > 0 && bytes[^1] != (byte)'\n')
            {
                edited.Write(Encoding.UTF8.GetBytes(newline));
            }

            edited.Write(Encoding.UTF8.GetBytes($"{(bytes.Length > 0 ? newline : "")}[{section}]{newline}"));
            edited.Write(line);
            changed = true;
        }

        if (!changed)
        {
            return false;
        }

        var mode = !OperatingSystem.IsWindows() && File.Exists(target) ? File.GetUnixFileMode(target) : UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Platform.AtomicFile.Write(target, edited.ToArray(), mode);
        return true;

        // The setting goes after the section's last non-blank line: the next non-blank line is another section, or the end.
        static bool NextIsOutsideSection(List<(int Start, int Length, string Text)> lines, int index)
        {
            for (var j = index + 1; j < lines.Count; j++)
            {
                if (lines[j].Text.Trim().Length > 0)
                {
                    return IniLines.Header(lines[j].Text) is not null;
                }
            }

            return true;
        }
    }
}
