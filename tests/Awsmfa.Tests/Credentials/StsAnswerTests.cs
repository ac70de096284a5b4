using Awsmfa.Credentials;

namespace Awsmfa.Tests.Credentials;

[TestFixture]
[Category("Unit")]
public sealed class StsAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static AwsmfaException? Check(string? id = "ASIAFAKESESSION00001", string? secret = "Secret+Value/000001=", string? token = "Token+/=", DateTime? expiration = null, int seconds = 3600)
    {
        try
        {
            StsAnswer.Check("GetSessionToken", id, secret, token, expiration ?? Now.UtcDateTime.AddHours(1), Now, seconds);
            return null;
        }
        catch (AwsmfaException e)
        {
            return e;
        }
    }

    [Test]
    public void Accepts_what_AWS_issues() => Assert.That(Check(), Is.Null);

    [Test]
    public void Accepts_an_expiry_within_the_skew() => Assert.That(Check(expiration: Now.UtcDateTime.AddHours(1).AddMinutes(4)), Is.Null);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("asia-lowercase-key")]
    [TestCase("ASIA\u2019NEWITEM0000")]
    [TestCase("ASIA0000000000000000\n")]
    public void Refuses_key_ids_AWS_does_not_issue(string? id) => Assert.That(Check(id: id)?.ExitCode, Is.EqualTo(1));

    [TestCase("short")]
    [TestCase("secret with spaces 0000")]
    [TestCase("secret'$(id)000000000")]
    public void Refuses_secrets_AWS_does_not_issue(string secret) => Assert.That(Check(secret: secret)?.ExitCode, Is.EqualTo(1));

    [Test]
    public void Refuses_a_token_longer_than_any_AWS_issues() =>
        Assert.That(Check(token: new string('A', StsAnswer.MaxTokenLength + 1))?.ExitCode, Is.EqualTo(1));

    [Test]
    public void Refuses_an_expiry_past_the_duration_asked_for() =>
        Assert.That(Check(expiration: new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc))?.Message, Does.Contain("longer than the 3600 s asked for"));

    [Test]
    public void Refuses_credentials_that_expired_already() =>
        Assert.That(Check(expiration: Now.UtcDateTime.AddSeconds(-1))?.Message, Does.Contain("expired already"));

    [TestCase("base\n")]
    [TestCase("base\r\n")]
    public void Profile_names_end_where_the_text_ends(string name) => Assert.That(InputRules.IsProfileName(name), Is.False);
}
