using Awsmfa.Credentials;

namespace Awsmfa.Tests.Credentials;

/// <summary>Cache entries are checked by their step type's own rules: which need a device, how long each may live.</summary>
[TestFixture]
[Category("Unit")]
public sealed class StepTypeRulesTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static CacheEntry Entry(string type, string serial, double hours) => new()
    {
        Version = CacheEntry.CurrentVersion,
        Key = "0123456789abcdef0123456789abcdef",
        Type = type,
        Profile = "prod",
        MfaSerial = serial,
        AccessKeyId = "ASIAENTRY00000000001",
        SecretAccessKey = "EntrySecretPart000001+/=",
        SessionToken = "EntryTokenPart1+/=",
        CreatedAt = Created,
        Expiration = Created.AddHours(hours),
    };

    [TestCase("sts.GetSessionToken", "arn:aws:iam::123456789012:mfa/alice", 36, true)]
    [TestCase("sts.GetSessionToken", "arn:aws:iam::123456789012:mfa/alice", 37, false)]
    [TestCase("sts.GetSessionToken", "", 1, false)]
    [TestCase("sts.AssumeRole", "", 12, true)]
    [TestCase("sts.AssumeRole", "arn:aws:iam::123456789012:mfa/alice", 13, false)]
    [TestCase("sts.GetFederationToken", "", 36, true)]
    [TestCase("sts.GetFederationToken", "", 37, false)]
    [TestCase("sts.GetSomethingElse", "arn:aws:iam::123456789012:mfa/alice", 1, false)]
    public void An_entry_is_well_formed_only_within_its_step_type_s_rules(string type, string serial, double hours, bool wellFormed) =>
        Assert.That(Entry(type, serial, hours).IsWellFormed, Is.EqualTo(wellFormed));

    [Test]
    public void Every_step_declares_its_type_and_every_type_is_listed_once()
    {
        // Each ICredentialStep in the assembly, by its own static Type: a step added without its
        // line in StepTypes would have its entries refused as unknown, every time.
        var declared = typeof(ICredentialStep).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(ICredentialStep).IsAssignableFrom(type))
            .Select(type => type.GetField("Type", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) as StepType)
            .ToList();

        Assert.That(declared, Has.None.Null, "every step declares a public static StepType Type");
        Assert.That(StepTypes.All, Is.EquivalentTo(declared));
        Assert.That(StepTypes.All.Select(type => type.Name), Is.Unique);
        Assert.That(StepTypes.Find("sts.GetSessionToken ")?.Name, Is.Null, "names match exactly");
    }
}
