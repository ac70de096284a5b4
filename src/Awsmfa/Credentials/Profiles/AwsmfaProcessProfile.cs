namespace Awsmfa.Credentials;

/// <summary>
/// A profile whose <c>credential_process</c> is awsmfa itself, as the README shows it
/// (<c>credential_process = awsmfa session get --profile default --output credential-process</c>):
/// for awsmfa it is the profile it names, served in-process, never by starting awsmfa again.
/// </summary>
internal static class AwsmfaProcessProfile
{
    /// <summary>The profile <paramref name="command"/> serves when it is <c>awsmfa session get --profile NAME -o credential-process</c>; null for any other command.</summary>
    public static string? Target(string command)
    {
        IReadOnlyList<string> words;
        try
        {
            words = Platform.CommandLine.Split(command);
        }
        catch (AwsmfaException)
        {
            return null;
        }

        var start = words.Count > 0 && IsAwsmfa(words[0]) ? 1
            : words.Count > 1 && Path.GetFileNameWithoutExtension(words[0]) == "dotnet" && Path.GetFileName(words[1]) == "awsmfa.dll" ? 2
            : -1;
        if (start < 0 || words.Count < start + 2 || words[start] != "session" || words[start + 1] != "get")
        {
            return null;
        }

        string? profile = null;
        string? output = null;
        for (var i = start + 2; i < words.Count; i++)
        {
            var (name, value) = words[i].Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal) ? (n, v)
                : i + 1 < words.Count ? (words[i], words[++i]) : (words[i], null);
            switch (name)
            {
                case "--profile":
                    profile = value;
                    break;
                case "-o" or "--output":
                    output = value;
                    break;
                default:
                    // Any other option (a role, a device, a duration) changes what is served: run it as written.
                    return null;
            }
        }

        return output == "credential-process" && profile is { Length: > 0 } && InputRules.IsProfileName(profile) ? profile : null;
    }

    private static bool IsAwsmfa(string program) =>
        Path.GetFileName(program) is "awsmfa" or "awsmfa.exe";
}
