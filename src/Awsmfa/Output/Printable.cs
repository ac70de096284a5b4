using System.Text;

namespace Awsmfa.Output;

/// <summary>
/// Text that came from outside (tag values, ids, AWS error messages) made safe for a terminal, a
/// table row or a log line: control characters (C0, DEL, C1, which includes the escape sequences
/// that retitle or clear a terminal) become spaces, and it is kept to one line of sane length.
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

            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c);
        }

        return builder.ToString();
    }

    /// <summary>One line: control characters cleaned, runs of white space folded, ends trimmed.</summary>
    public static string OneLine(string? text) =>
        string.Join(' ', Clean(text).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A table cell: cleaned, and "-" for nothing, so every row has every column.</summary>
    public static string Cell(string? text) => string.IsNullOrEmpty(text) ? "-" : Clean(text);
}
