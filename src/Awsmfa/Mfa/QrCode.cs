using System.Text;
using QRCoder;

namespace Awsmfa.Mfa;

/// <summary>
/// A QR code of an <c>otpauth://</c> URI (QRCoder makes the matrix): drawn on a terminal with
/// Unicode half blocks, two modules per character cell, black on white whatever the terminal's
/// colours, so a phone's camera reads it; or a PNG.
/// </summary>
internal static class QrCode
{
    /// <summary>The code as terminal lines (ANSI colours: black modules on a white field, its quiet zone included).</summary>
    public static IReadOnlyList<string> TerminalLines(string text)
    {
        var matrix = Matrix(text);
        var lines = new List<string>();
        for (var row = 0; row < matrix.Count; row += 2)
        {
            var line = new StringBuilder("\u001b[30;107m");
            for (var column = 0; column < matrix[row].Length; column++)
            {
                var top = matrix[row][column];
                var bottom = row + 1 < matrix.Count && matrix[row + 1][column];
                line.Append((top, bottom) switch
                {
                    (true, true) => '\u2588',
                    (true, false) => '\u2580',
                    (false, true) => '\u2584',
                    _ => ' ',
                });
            }

            lines.Add(line.Append("\u001b[0m").ToString());
        }

        return lines;
    }

    /// <summary>The code as a PNG, eight pixels per module.</summary>
    public static byte[] Png(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.L);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    /// <summary>Dark modules as true, the four-module quiet zone included.</summary>
    private static List<bool[]> Matrix(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.L);
        return data.ModuleMatrix.Select(row => Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray()).ToList();
    }
}
