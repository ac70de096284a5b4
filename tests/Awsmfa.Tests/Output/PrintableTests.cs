using Awsmfa.Output;

namespace Awsmfa.Tests.Output;

[TestFixture]
[Category("Unit")]
public sealed class PrintableTests
{
    [TestCase("\u202Eexe.txt", " exe.txt")]
    [TestCase("safe\u2066evil\u2069", "safe evil ")]
    [TestCase("web\u200B-1", "web -1")]
    [TestCase("a\u200Fb\u200Ec", "a b c")]
    [TestCase("\uFEFFbom", " bom")]
    public void Invisible_and_reordering_characters_become_spaces(string text, string shown)
    {
        Assert.That(Printable.Clean(text), Is.EqualTo(shown));
    }

    // Written with <ESC>, <BEL> and <CSI> for the control characters: a test name that holds them
    // is dropped by the test adapter, so the case would never run.
    [TestCase("<ESC>]0;pwned<BEL>title", " title")]
    [TestCase("<ESC>]8;;https://evil<ESC>\\link<ESC>]8;;<ESC>\\", " link ")]
    [TestCase("<ESC>[31mred<ESC>[0m plain", " red  plain")]
    [TestCase("<CSI>2Jcleared", " cleared")]
    [TestCase("<ESC>Pq#0;2;0;0;0<ESC>\\after", " after")]
    [TestCase("reset<ESC>cnow", "reset now")]
    [TestCase("cut <ESC>[3", "cut  ")]
    public void Escape_sequences_go_whole_leaving_no_remains(string written, string shown)
    {
        var text = written.Replace("<ESC>", "\u001B", StringComparison.Ordinal).Replace("<BEL>", "\u0007", StringComparison.Ordinal).Replace("<CSI>", "\u009B", StringComparison.Ordinal);

        Assert.That(Printable.Clean(text), Is.EqualTo(shown));
    }

    [Test]
    public void Ordinary_text_in_any_script_is_kept()
    {
        Assert.That(Printable.Clean("web-1 サーバー ünïcode"), Is.EqualTo("web-1 サーバー ünïcode"));
    }
}
