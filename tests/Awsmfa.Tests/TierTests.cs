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
}
