using System.Diagnostics;
using System.Text;
using Awsmfa.Mfa;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Mfa;

/// <summary>The QR code as <c>mfa create</c> draws it, read back by zbar as a phone's camera would read it.</summary>
[TestFixture]
[Category("Process")]
public sealed class QrCodeTests
{
    private const string Uri = "otpauth://totp/Amazon%20Web%20Services%3Aalice%40123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services";

    private static async Task<string> ReadAsync(string image)
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

    [Test]
    public async Task The_terminal_drawing_in_half_blocks_reads_back_as_the_uri()
    {
        using var folder = new TempDirectory();
        var lines = QrCode.TerminalLines(Uri);
        // Each character is two modules: the top half and the bottom half; black on white.
        var rows = new List<bool[]>();
        foreach (var line in lines)
        {
            Assert.That(line, Does.StartWith("\u001b[30;107m").And.EndWith("\u001b[0m"), "black on white whatever the terminal's colours");
            var cells = line["\u001b[30;107m".Length..^"\u001b[0m".Length];
            rows.Add([.. cells.Select(c => c is '\u2588' or '\u2580')]);
            rows.Add([.. cells.Select(c => c is '\u2588' or '\u2584')]);
        }

        // As a screen shows it: every module a few pixels square (a plain PBM image).
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

        var path = folder.Combine("terminal.pbm");
        File.WriteAllText(path, image.ToString());

        Assert.That(await ReadAsync(path), Is.EqualTo(Uri));
    }

    [Test]
    public async Task The_png_reads_back_as_the_uri()
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("code.png");
        File.WriteAllBytes(path, QrCode.Png(Uri));

        Assert.That(await ReadAsync(path), Is.EqualTo(Uri));
    }
}
