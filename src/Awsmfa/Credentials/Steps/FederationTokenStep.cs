using System.IO.Hashing;
using System.Text;
using Amazon.Runtime;
using Amazon.SecurityToken;
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

    /// <summary>36 h for an IAM user's keys.</summary>
    public const int MaxSeconds = 129_600;

    /// <summary>1 h for the account's root user: AWS shortens a longer request to this without saying so.</summary>
    public const int MaxRootUserSeconds = 3600;

    public const int MaxNameLength = 32;

    public static readonly StepType Type = new("sts.GetFederationToken", "federation", "federation session", NeedsMfaSerial: false, MaxSeconds);

    public StepIdentity Identity { get; } = new(
        Type.Name,
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

    /// <summary>Whether <paramref name="arn"/> is an account's root user (<c>arn:aws:iam::123456789012:root</c>).</summary>
    public static bool IsRootUser(string arn) =>
        arn.Split(':') is [ "arn", _, "iam", "", _, "root" ];

    public async Task<MintedCredentials> GetAsync(MintContext context, CancellationToken cancellationToken)
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
        // Who calls matters for the name (when none is given) and for the length: the root user's
        // session would be cut to an hour by AWS, and checked here against the length asked.
        var caller = name is null || durationSeconds > MaxRootUserSeconds ? await CallerArnAsync(sts, cancellationToken).ConfigureAwait(false) : null;
        var rootUser = caller is not null && IsRootUser(caller);
        var federated = name ?? (rootUser ? "root" : NameFrom(caller![(caller!.LastIndexOf('/') + 1)..]));
        var seconds = durationSeconds;
        if (rootUser && seconds > MaxRootUserSeconds)
        {
            reporter.Warn(
                $"profile '{root.Identity.Profile}' holds the account root user's keys, whose federation session lasts 1h at most: asking for 1h, not {DurationParser.Humanize(TimeSpan.FromSeconds(seconds))}");
            seconds = MaxRootUserSeconds;
        }

        reporter.Detail($"calling STS GetFederationToken for '{federated}', {seconds} s, with access key {KeyIds.Mask(keys.AccessKeyId)} ({root.Identity.Kind})");
        GetFederationTokenResponse response;
        try
        {
            response = await AwsCall.RunAsync(
                target,
                sts,
                token => sts.GetFederationTokenAsync(new GetFederationTokenRequest { Name = federated, Policy = policy, DurationSeconds = seconds }, token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            // An invalid name or policy is the user's to fix.
            throw e is AmazonServiceException { ErrorCode: "ValidationError" or "MalformedPolicyDocument" or "PackedPolicyTooLarge" } service
                ? new AwsmfaException(ExitCodes.UsageError, $"STS rejected the GetFederationToken request as invalid: {AwsErrors.OneLine(service.Message)}", e)
                : AwsErrors.Map("STS", e);
        }

        var answer = response?.Credentials;
        var credentials = StsAnswer.Check(
            "GetFederationToken", answer?.AccessKeyId, answer?.SecretAccessKey, answer?.SessionToken, answer?.Expiration, clock.GetUtcNow(), seconds);
        return new MintedCredentials(credentials, CodeHash: null) { CarriesMfa = false };
    }

    private async Task<string> CallerArnAsync(IAmazonSecurityTokenService sts, CancellationToken cancellationToken)
    {
        GetCallerIdentityResponse identity;
        try
        {
            identity = await AwsCall.RunAsync(target, sts, token => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsErrors.IsAwsFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw StsFailures.ForCallerIdentity(e);
        }

        return identity?.Arn ?? "";
    }

    private static string PolicyHash(string policy) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(policy)));
}
