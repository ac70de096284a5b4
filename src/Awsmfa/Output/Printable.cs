using System.Text;

namespace Awsmfa.Output;

/// <summary>
/// Text that came from outside (tag values, ids, AWS error messages) made safe for a terminal, a
/// table row or a log line: control characters (C0, DEL, C1, which includes the escape sequences
/// that retitle or clear a terminal) and invisible format characters (bidi overrides, zero-width
/// spaces) become spaces, and it is kept to one line of sane length.
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
        foreach (var c in text)
        {
            if (builder.Length >= MaxLength)
            {
                builder.Append("...");
                break;
            }

            builder.Append(char.IsControl(c) || IsInvisibleFormat(c) ? ' ' : c);
        }

        return builder.ToString();
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
