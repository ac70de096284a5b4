using System.Text;

namespace Awsmfa.Platform;

/// <summary>
/// A command line split into words as the AWS CLI splits <c>credential_process</c>. On POSIX
/// (Python's <c>shlex.split</c>): spaces, tabs and line breaks separate words, single quotes keep
/// everything literal, double quotes keep everything but <c>\"</c> and <c>\\</c> (so <c>"\$"</c> is
/// two characters, unlike in <c>sh</c>), and a backslash outside quotes keeps the next character.
/// On Windows (the CLI's own split, the rules of CommandLineToArgvW): double quotes group, a
/// backslash is literal unless a run of them comes before a quote, and single quotes are ordinary characters, so <c>C:\tools\keys.exe</c> stays a
/// path. No variables, globs or other shell syntax: a program that wants them names a shell.
/// </summary>
internal static class CommandLine
{
    public static IReadOnlyList<string> Split(string line) => Split(line, OperatingSystem.IsWindows());

    public static IReadOnlyList<string> Split(string line, bool windows) => windows ? SplitWindows(line) : SplitPosix(line);

    private static List<string> SplitWindows(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\')
            {
                var run = 0;
                while (i < line.Length && line[i] == '\\')
                {
                    run++;
                    i++;
                }

                // 2n backslashes before a quote are n and the quote groups; 2n+1 are n and a literal quote.
                var beforeQuote = i < line.Length && line[i] == '"';
                word.Append('\\', beforeQuote ? run / 2 : run);
                if (beforeQuote && run % 2 == 1)
                {
                    word.Append('"');
                }
                else
                {
                    i--;
                }

                inWord = true;
                continue;
            }

            if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
                continue;
            }

            if (char.IsWhiteSpace(c) && !quoted)
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            word.Append(c);
            inWord = true;
        }

        if (quoted)
        {
            throw AwsmfaException.Usage("credential_process has an unmatched double quote");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static List<string> SplitPosix(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw AwsmfaException.Usage("credential_process has an unmatched single quote");
                    }

                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    for (i++; ; i++)
                    {
                        if (i >= line.Length)
                        {
                            throw AwsmfaException.Usage("credential_process has an unmatched double quote");
                        }

                        if (line[i] == '"')
                        {
                            break;
                        }

                        if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                        {
                            i++;
                        }

                        word.Append(line[i]);
                    }

                    break;
                case '\\':
                    word.Append(i + 1 < line.Length ? line[++i] : throw AwsmfaException.Usage("credential_process ends with a backslash that escapes nothing"));
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>How many characters the first word takes as written (Windows passes the rest on verbatim).</summary>
    public static int FirstWordLength(string line)
    {
        var trimmed = line.TrimStart();
        var offset = line.Length - trimmed.Length;
        if (trimmed.StartsWith('"'))
        {
            var close = trimmed.IndexOf('"', 1);
            return offset + (close < 0 ? trimmed.Length : close + 1);
        }

        var space = trimmed.IndexOfAny([' ', '\t']);
        return offset + (space < 0 ? trimmed.Length : space);
    }
}
