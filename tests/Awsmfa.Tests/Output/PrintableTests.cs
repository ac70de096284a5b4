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
    [TestCase("\u001B]0;pwned\u0007title", " ]0;pwned title")]
    public void Invisible_and_reordering_characters_become_spaces(string text, string shown)
    {
        Assert.That(Printable.Clean(text), Is.EqualTo(shown));
    }

    [Test]
    public void Ordinary_text_in_any_script_is_kept()
    {
        Assert.That(Printable.Clean("web-1 サーバー ünïcode"), Is.EqualTo("web-1 サーバー ünïcode"));
    }
}
