using System.Text;

namespace Awsmfa.Output;

/// <summary>
/// Text that came from outside (tag values, ids, AWS error messages) made safe for a terminal, a
/// table row or a log line: escape sequences (whole: the ones that colour, retitle or clear a
/// terminal), other control characters (C0, DEL, C1) and invisible format characters (bidi
/// overrides, zero-width spaces) become spaces, and it is kept to one line of sane length.
/// </summary>
internal static class Printable
{
    public const int MaxLength = 1000;

    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength + 3));
        for (var i = 0; i < text.Length; i++)
        {
            if (builder.Length >= MaxLength)
            {
                builder.Append("...");
                break;
            }

            var c = text[i];
            if (c is '\u001b' or '\u009b' or '\u009d' or '\u0090' or '\u009e' or '\u009f')
            {
                // An escape sequence goes whole, not just its ESC: "[31m" or "]0;title" left
                // behind is noise at best, and a half-understood sequence at worst.
                i = EndOfEscape(text, i);
                builder.Append(' ');
                continue;
            }

            builder.Append(char.IsControl(c) || IsInvisibleFormat(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    /// <summary>The index of the last character of the escape sequence that starts at <paramref name="start"/> (ECMA-48: CSI, the string commands OSC, DCS, SOS, PM, APC, and two-character escapes).</summary>
    private static int EndOfEscape(string text, int start)
    {
        var kind = text[start];
        var i = start + 1;
        if (kind == '\u001b')
        {
            if (i >= text.Length)
            {
                return start;
            }

            kind = text[i] switch
            {
                '[' => '\u009b',
                ']' => '\u009d',
                'P' => '\u0090',
                'X' or '^' or '_' => '\u009e',
                _ => '\0',
            };
            if (kind == '\0')
            {
                // A two-character escape (ESC c resets the terminal): both go.
                return i;
            }

            i++;
        }

        if (kind == '\u009b')
        {
            // Parameters and intermediates, then one final character.
            while (i < text.Length && text[i] is >= '\u0020' and <= '\u003f')
            {
                i++;
            }

            return i < text.Length && text[i] is >= '\u0040' and <= '\u007e' ? i : i - 1;
        }

        // A string command runs to BEL, ST (ESC \ or U+009C), or the end of the text.
        for (; i < text.Length; i++)
        {
            if (text[i] is '\u0007' or '\u009c')
            {
                return i;
            }

            if (text[i] == '\u001b')
            {
                return i + 1 < text.Length && text[i + 1] == '\\' ? i + 1 : i;
            }
        }

        return text.Length - 1;
    }

    /// <summary>
    /// Line and paragraph separators, and the format characters that reorder or hide text
    /// (bidi overrides and isolates, zero-width spaces and joiners, the byte-order mark): in a tag
    /// or an error message they can make a confirmation read other than what it does.
    /// </summary>
    private static bool IsInvisibleFormat(char c) =>
        c is '\u2028' or '\u2029' or '\u061C' or '\uFEFF' or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2069');

    /// <summary>One line: control characters cleaned, runs of white space folded, ends trimmed.</summary>
    public static string OneLine(string? text) =>
        string.Join(' ', Clean(text).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A table cell: cleaned, and "-" for nothing, so every row has every column.</summary>
    public static string Cell(string? text) => string.IsNullOrEmpty(text) ? "-" : Clean(text);
}
