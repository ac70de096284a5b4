using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Awsmfa.Tests.Support;

/// <summary>Reads QR codes back with zbar's zbarimg, as a phone's camera would: a PNG, or what a terminal showed.</summary>
internal static partial class QrReader
{
    /// <summary>The text of the QR code in <paramref name="image"/> (PNG, PBM); the test is skipped without zbarimg.</summary>
    public static async Task<string> ReadAsync(string image)
    {
        var zbarimg = Processes.FindOnPath("zbarimg");
        if (zbarimg is null)
        {
            Assert.Ignore("zbarimg is not installed (zbar-tools)");
        }

        using var process = Process.Start(new ProcessStartInfo(zbarimg!, ["-q", "--raw", image]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text.Trim();
    }

    /// <summary>
    /// The QR code drawn on a terminal in half blocks (black on white: <c>ESC[30;107m … ESC[0m</c>
    /// lines), turned into an image as a screen shows it (every module a few pixels square), read.
    /// </summary>
    public static async Task<string> ReadTerminalAsync(string transcript, string folder)
    {
        var rows = new List<bool[]>();
        foreach (Match line in DrawnLine().Matches(transcript))
        {
            var cells = line.Groups["cells"].Value;
            rows.Add([.. cells.Select(c => c is '\u2588' or '\u2580')]);
            rows.Add([.. cells.Select(c => c is '\u2588' or '\u2584')]);
        }

        Assert.That(rows, Is.Not.Empty, "a QR code was drawn: " + transcript);
        const int Scale = 4;
        var image = new StringBuilder($"P1\n{rows[0].Length * Scale} {rows.Count * Scale}\n");
        foreach (var row in rows)
        {
            var pixels = string.Join(' ', row.SelectMany(dark => Enumerable.Repeat(dark ? "1" : "0", Scale)));
            for (var i = 0; i < Scale; i++)
            {
                image.Append(pixels).Append('\n');
            }
        }

        var path = Path.Combine(folder, "terminal.pbm");
        File.WriteAllText(path, image.ToString());
        return await ReadAsync(path);
    }

    [GeneratedRegex("\u001b\\[30;107m(?<cells>[ \u2580\u2584\u2588]+)\u001b\\[0m")]
    private static partial Regex DrawnLine();
}
