using System.Reflection;

namespace Awsmfa.Tests;

/// <summary>.ci/run runs the tiers one by one: a fixture outside them, or in two, would be skipped or run twice.</summary>
[TestFixture]
[Category("Unit")]
public sealed class TierTests
{
    private static readonly string[] Tiers = ["Unit", "Process", "Integration"];

    [Test]
    public void Every_fixture_is_in_exactly_one_tier()
    {
        var fixtures = typeof(TierTests).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.GetCustomAttributes<TestAttribute>().Any() || m.GetCustomAttributes<TestCaseAttribute>().Any() || m.GetCustomAttributes<TestCaseSourceAttribute>().Any()))
            .ToList();

        var wrong = fixtures
            .Select(t => (t.FullName, Tiers: t.GetCustomAttributes<CategoryAttribute>(inherit: true).Select(c => c.Name).Where(Tiers.Contains).ToList()))
            .Where(f => f.Tiers.Count != 1)
            .Select(f => $"{f.FullName}: {string.Join(", ", f.Tiers)}")
            .ToList();

        Assert.That(fixtures, Has.Count.GreaterThan(50), "the fixtures were found");
        Assert.That(wrong, Is.Empty);
    }

    /// <summary>
    /// The test adapter drops a test case whose name holds a control character (ESC, NUL, BEL…),
    /// silently: it never runs and is counted nowhere. A case that needs one writes it as
    /// &lt;ESC&gt; and replaces it in the test, or names itself with TestName.
    /// </summary>
    [Test]
    public void No_test_case_is_named_with_a_control_character_the_adapter_would_drop_it_for()
    {
        var dropped = typeof(TierTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes<TestCaseAttribute>().Where(c => c.TestName is null).Select(c => (Method: m, Case: c)))
            .Where(x => x.Case.Arguments.OfType<string>().Any(a => a.Any(c => char.IsControl(c) && c is not '\t' and not '\n' and not '\r')))
            .Select(x => $"{x.Method.DeclaringType!.Name}.{x.Method.Name}")
            .ToList();

        Assert.That(dropped, Is.Empty);
    }
}
