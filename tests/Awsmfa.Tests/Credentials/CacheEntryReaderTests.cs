using System.Text;
using System.Text.Json;
using Awsmfa.Credentials;

namespace Awsmfa.Tests.Credentials;

/// <summary>The hot path's reader of cache entries against the serializer that writes them.</summary>
[TestFixture]
[Category("Unit")]
public sealed class CacheEntryReaderTests
{
    private static readonly CacheEntry Full = new()
    {
        Version = CacheEntry.CurrentVersion,
        Key = "0123456789abcdef0123456789abcdef",
        Type = "sts.AssumeRole",
        Profile = "prod",
        MfaSerial = "arn:aws:iam::123456789012:mfa/alice",
        Root = "keyring",
        RoleArn = "arn:aws:iam::210987654321:role/admin",
        AccessKeyId = "ASIAROLE000000000001",
        SecretAccessKey = "RoleSecretPart000001+/=",
        SessionToken = "RoleTokenPart1+/=",
        Expiration = new DateTimeOffset(2026, 11, 28, 13, 0, 0, TimeSpan.Zero),
        CreatedAt = new DateTimeOffset(2026, 11, 28, 12, 0, 0, 123, TimeSpan.Zero),
        CodeHash = "c0dehash",
    };

    [Test]
    public void Reads_back_every_property_the_serializer_writes()
    {
        var written = JsonSerializer.SerializeToUtf8Bytes(Full, CacheJsonContext.Default.CacheEntry);

        Assert.That(CacheEntryReader.Read(written), Is.EqualTo(Full));
        Assert.That(CacheEntryReader.Read(written), Is.EqualTo(JsonSerializer.Deserialize(written, CacheJsonContext.Default.CacheEntry)));
    }

    [Test]
    public void Every_property_of_the_record_is_one_the_reader_knows()
    {
        // A property added to CacheEntry and not to the reader would come back empty.
        var names = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(Full, CacheJsonContext.Default.CacheEntry)).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var name in names)
        {
            var without = JsonSerializer.SerializeToNode(Full, CacheJsonContext.Default.CacheEntry)!.AsObject();
            without.Remove(name);
            Assert.That(CacheEntryReader.Read(Encoding.UTF8.GetBytes(without.ToJsonString())), Is.Not.EqualTo(Full), $"the reader ignores '{name}'");
        }
    }

    [Test]
    public void Nulls_unknown_properties_and_escaped_names_read_as_the_serializer_reads_them()
    {
        var json = """{"\u0076ersion":2,"key":null,"extra":{"nested":[1,2,{"a":null}]},"codeHash":null,"expiration":"2026-11-28T13:00:00Z"}""";

        var read = CacheEntryReader.Read(Encoding.UTF8.GetBytes(json));

        var expected = JsonSerializer.Deserialize(json, CacheJsonContext.Default.CacheEntry)!;
        Assert.That((read.Version, read.Key, read.CodeHash, read.Expiration, read.IsWellFormed), Is.EqualTo((expected.Version, expected.Key, expected.CodeHash, expected.Expiration, expected.IsWellFormed)));
        Assert.That(read.Version, Is.EqualTo(2));
    }

    [TestCase("""{"version":"2"}""")]
    [TestCase("""{"key":5}""")]
    [TestCase("""{"expiration":"yesterday"}""")]
    [TestCase("""[]""")]
    [TestCase("""{"key":"a" """)]
    [TestCase("")]
    public void A_document_of_another_shape_is_a_json_exception(string json) =>
        Assert.That(() => CacheEntryReader.Read(Encoding.UTF8.GetBytes(json)), Throws.InstanceOf<JsonException>());
}
