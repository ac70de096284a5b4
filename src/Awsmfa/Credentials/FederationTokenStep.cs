using System.IO.Hashing;
using System.Text;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// STS GetFederationToken with the root's long-term keys: credentials for a federated user named
/// <paramref name="name"/> (null: the IAM user's own name, from GetCallerIdentity, cut to 32
/// characters) with the inline <paramref name="policy"/>, which the console's sign-in endpoint
/// accepts (it refuses GetSessionToken's). GetFederationToken has no MFA parameters, so nothing
/// minted here carries MFA.
/// </summary>
internal sealed class FederationTokenStep(
    ICredentialRoot root,
    string? name,
    string policy,
    int durationSeconds,
    AwsTarget target,
    IAwsClientFactory clients,
    TimeProvider clock,
    Reporter reporter) : ICredentialStep
{
    public const int MinSeconds = 900;

    /// <summary>36 h; AWS gives a root user's keys 1 h at most, whatever is asked.</summary>
    public const int MaxSeconds = 129_600;

    public const int MaxNameLength = 32;

    public StepIdentity Identity { get; } = new(
        StepIdentity.FederationTokenType,
        root.Identity.Profile,
        MfaSerial: null,
        RoleArn: null,
        root.Identity.Kind,
        [.. root.Identity.KeyParts, name ?? "(the IAM user's name)", PolicyHash(policy), durationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    /// <summary>A federated user's name as STS takes it: 2 to 32 of letters, digits and + = , . @ -.</summary>
    public static bool IsName(string value) =>
        value.Length is >= 2 and <= MaxNameLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '-' or '_');

    /// <summary><paramref name="text"/> cut to a valid federated user name (the console shows it).</summary>
    public static string NameFrom(string text)
    {
        var name = new string(text.Where(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '-' or '_').ToArray());
        name = name.Length > MaxNameLength ? name[..MaxNameLength] : name;
        return name.Length >= 2 ? name : "awsmfa";
    }

    public async Task<MintedCredentials> GetAsync(CancellationToken cancellationToken)
    {
        if (durationSeconds is < MinSeconds or > MaxSeconds)
        {
            throw AwsmfaException.Usage($"a federation session lasts from {MinSeconds} (15m) to {MaxSeconds} (36h) seconds");
        }

        if (name is not null && !IsName(name))
        {
            throw AwsmfaException.Usage($"the federated user's name must be 2 to {MaxNameLength} letters, digits and + = , . @ - _");
        }

        var keys = await root.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!keys.IsLongTerm)
        {
            throw AwsmfaException.Usage(
                $"the {root.Identity.Kind} credentials of profile '{root.Identity.Profile}' are temporary; GetFederationToken needs an IAM user's long-term keys");
        }

        using var sts = clients.CreateSts(keys.LongTerm, target);
        var federated = name ?? await CallerNameAsync(sts, cancellationToken).ConfigureAwait(false);
        reporter.Detail($"calling STS GetFederationToken for '{federated}', {durationSeconds} s, with access key {KeyIds.Mask(keys.AccessKeyId)} ({root.Identity.Kind})");
        GetFederationTokenResponse response;
        try
        {
            response = await AwsCall.RunAsync(
                target,
                token => sts.GetFederationTokenAsync(new GetFederationTokenRequest { Name = federated, Policy = policy, DurationSeconds = durationSeconds }, token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StsFailures.ForFederationToken(e);
        }

        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "GetFederationToken", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, clock.GetUtcNow(), durationSeconds);
        return new MintedCredentials(credentials, CodeHash: null) { CarriesMfa = false };
    }

    /// <summary>The IAM user's name (the last part of its ARN), as a federated user's name.</summary>
    private async Task<string> CallerNameAsync(Amazon.SecurityToken.IAmazonSecurityTokenService sts, CancellationToken cancellationToken)
    {
        GetCallerIdentityResponse identity;
        try
        {
            identity = await AwsCall.RunAsync(target, token => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StsFailures.ForCallerIdentity(e);
        }

        var arn = identity?.Arn ?? "";
        return NameFrom(arn[(arn.LastIndexOf('/') + 1)..]);
    }

    private static string PolicyHash(string policy) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(policy)));
}
