using System.Text;
using Awsmfa.Credentials;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Reliability;

/// <summary>
/// Thousands of random and mutated cache entries and config files: never a crash or an
/// unexpected error, only documented exit codes. Seeded, so a failure can be replayed.
/// </summary>
[TestFixture]
[Category("Unit")]
[Platform(Exclude = "Win", Reason = "POSIX: Unix file modes")]
public sealed class FuzzTests
{
    private const int Seed = 20261128;
    private static readonly int[] Documented = [0, 1, 2, 3];

    private static readonly string ValidEntry = """
        {
          "version": 2,
          "key": "KEY",
          "type": "sts.GetSessionToken",
          "profile": "base",
          "mfaSerial": "arn:aws:iam::123456789012:mfa/alice",
          "accessKeyId": "ASIAFUZZ000000000001",
          "secretAccessKey": "FuzzSecretFuzzSecret01",
          "sessionToken": "FuzzToken",
          "expiration": "2026-11-28T13:00:00+00:00",
          "createdAt": "2026-11-28T12:00:00+00:00"
        }
        """;

    private static readonly string[] Replacements =
    [
        "", "null", "0", "-1", "1e999", "99999999999999999999999", "true", "[]", "{}", "\"\"", "\"\\u0000\"",
        "\"9999-12-31T23:59:59+00:00\"", "\"0001-01-01T00:00:00+00:00\"", "\"2000-01-01T00:00:00Z\"", "\"not a date\"",
        "\"" + new string('x', 70_000) + "\"", string.Concat(Enumerable.Repeat("[", 200)), "\"\\ud800\"",
    ];

    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = input.ToList();
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits; i++)
        {
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    var cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 1 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count + 1), 0);
                    break;
                case 3:
                    bytes.InsertRange(random.Next(bytes.Count + 1), [0xC3, 0x28, 0xFF, 0xFE]);
                    break;
                case 4:
                    var text = Encoding.UTF8.GetString([.. bytes]);
                    var colon = text.IndexOf(':', random.Next(Math.Max(1, text.Length)));
                    if (colon > 0)
                    {
                        var end = text.IndexOfAny([',', '}'], colon);
                        end = end < 0 ? text.Length : end;
                        text = text[..(colon + 1)] + Replacements[random.Next(Replacements.Length)] + text[end..];
                    }

                    bytes = [.. Encoding.UTF8.GetBytes(text)];
                    break;
                case 5 when bytes.Count > 0:
                    bytes.RemoveRange(random.Next(bytes.Count), 1);
                    break;
                default:
                    var junk = new byte[random.Next(1, 64)];
                    random.NextBytes(junk);
                    bytes.InsertRange(random.Next(bytes.Count + 1), junk);
                    break;
            }
        }

        return [.. bytes];
    }

    [Test]
    public async Task Mutated_cache_entries_are_misses_or_hits_never_crashes()
    {
        using var host = new TestHost().WithBaseProfile();
        host.Aws.AllowCodeReuse = true;
        var key = StepIdentity.ForSessionToken("base", TestHost.AccessKeyId, TestHost.Serial).CacheKey;
        var path = Path.Combine(host.CacheFolder, key + ".json");
        var valid = Encoding.UTF8.GetBytes(ValidEntry.Replace("KEY", key, StringComparison.Ordinal));
        var random = new Random(Seed);
        Directory.CreateDirectory(host.CacheFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        for (var i = 0; i < 2000; i++)
        {
            var input = random.Next(10) == 0 ? RandomBytes(random) : Mutate(random, valid);
            File.WriteAllBytes(path, input);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            // A new code each time: a miss spends its code, and awsmfa never sends one twice.
            var code = (100000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var result = await host.RunAsync("session", "get", "--profile", "base", "-t", code, "-o", "json");

            Assert.That(result.ExitCode, Is.Zero, $"input #{i} (seed {Seed}): {Convert.ToBase64String(input)}\n{result}");
            Assert.That(result.Stderr, Does.Not.Contain("this is a bug"));
        }
    }

    [Test]
    public async Task Mutated_config_and_credentials_files_give_documented_exit_codes()
    {
        using var host = new TestHost();
        host.Aws.AllowCodeReuse = true;
        var credentials = Encoding.UTF8.GetBytes($"""
            [base]
            aws_access_key_id = {TestHost.AccessKeyId}
            aws_secret_access_key = {TestHost.SecretAccessKey}
            mfa_serial = {TestHost.Serial}

            [other]
            aws_access_key_id = AKIAOTHER
            aws_secret_access_key = other
            """);
        var config = Encoding.UTF8.GetBytes("""
            [default]
            region = eu-west-1

            [profile base]
            region = us-east-1
            duration_seconds = 7200
            mfa_serial = arn:aws:iam::123456789012:mfa/alice

            [profile mfa]
            credential_process = awsmfa session get --profile base --output credential-process
            """);
        var random = new Random(Seed);

        for (var i = 0; i < 1000; i++)
        {
            var newCredentials = random.Next(3) == 0 ? credentials : Mutate(random, credentials);
            var newConfig = random.Next(3) == 0 ? config : Mutate(random, config);
            File.WriteAllBytes(host.CredentialsFile, newCredentials);
            File.WriteAllBytes(host.ConfigFile, newConfig);
            foreach (var cached in host.CacheFiles())
            {
                File.Delete(cached);
            }

            var result = await host.RunAsync("session", "get", "--profile", "base", "-t", "123456", "--verbose");

            Assert.That(Documented, Does.Contain(result.ExitCode), $"input #{i} (seed {Seed})\ncredentials: {Convert.ToBase64String(newCredentials)}\nconfig: {Convert.ToBase64String(newConfig)}\n{result}");
            Assert.That(result.Stderr, Does.Not.Contain("this is a bug"), $"input #{i}: {result}");
            // Not even an error about the file that holds it may quote the long-term secret.
            Assert.That(result.Stderr, Does.Not.Contain(TestHost.SecretAccessKey[..16]), $"input #{i}: {result}");
            Assert.That(result.Stderr.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("awsmfa: [verbose]", StringComparison.Ordinal)).ToList(), Has.Count.LessThanOrEqualTo(2));
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 2048)];
        random.NextBytes(bytes);
        return bytes;
    }
}
