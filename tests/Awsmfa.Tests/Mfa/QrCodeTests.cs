using Awsmfa.Mfa;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Mfa;

/// <summary>The QR code as <c>mfa create</c> draws it, read back by zbar as a phone's camera would read it.</summary>
[TestFixture]
[Category("Process")]
public sealed class QrCodeTests
{
    private const string Uri = "otpauth://totp/Amazon%20Web%20Services%3Aalice%40123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services";

    [Test]
    public async Task The_terminal_drawing_in_half_blocks_reads_back_as_the_uri()
    {
        using var folder = new TempDirectory();
        var lines = QrCode.TerminalLines(Uri);

        Assert.That(lines, Has.All.StartWith("\u001b[30;107m").And.All.EndWith("\u001b[0m"), "black on white whatever the terminal's colours");
        Assert.That(await QrReader.ReadTerminalAsync(string.Join("\r\n", lines), folder.Path), Is.EqualTo(Uri));
    }

    [Test]
    public async Task The_png_reads_back_as_the_uri()
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("code.png");
        File.WriteAllBytes(path, QrCode.Png(Uri));

        Assert.That(await QrReader.ReadAsync(path), Is.EqualTo(Uri));
    }
}
