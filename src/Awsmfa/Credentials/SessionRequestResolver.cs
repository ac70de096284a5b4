using Awsmfa.Aws;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>Applies the precedence rules (option, then environment, then profile) to build a <see cref="SessionRequest"/>.</summary>
internal sealed class SessionRequestResolver(IEnvironment environment, IProfileStore profiles, Reporter reporter)
{
    public const string EnvironmentProfile = "env";
    private const string DefaultProfile = "default";

    public SessionRequest Resolve(PipelineOptions options)
    {
        var (profileName, longTerm, profile) = ResolveLongTerm(options.Profile);
        var serial = ResolveSerial(options.SerialNumber, profile, profileName);
        var region = options.Region ?? EnvironmentRegion() ?? ProfileRegion(profile);
        var cache = options.NoCache ? CacheMode.Off : options.Refresh ? CacheMode.Refresh : CacheMode.Normal;
        return new SessionRequest(
            profileName,
            profile?.Name,
            longTerm,
            serial,
            options.DurationSeconds,
            new TokenCodeSource(options.TokenCode),
            new AwsTarget(region, options.EndpointUrl, profile?.Name, options.RequestTimeout ?? EnvironmentTimeout() ?? AwsTarget.DefaultRequestTimeout),
            cache);
    }

    private (string Name, LongTermCredentials LongTerm, AwsProfile? Profile) ResolveLongTerm(string? option)
    {
        var named = option ?? environment.Get("AWS_PROFILE")?.Trim();
        if (named is null
            && environment.Get("AWS_ACCESS_KEY_ID") is { } accessKeyId
            && environment.Get("AWS_SECRET_ACCESS_KEY") is { } secret)
        {
            var defaults = profiles.Find(DefaultProfile);
            if (environment.Get("AWS_SESSION_TOKEN") is null && !IsTemporaryKeyId(accessKeyId))
            {
                // The default profile may still carry mfa_serial and region for keys from the environment.
                return (EnvironmentProfile, new LongTermCredentials(accessKeyId.Trim(), secret.Trim()), defaults);
            }

            // Session credentials in the environment are most often an earlier
            // eval "$(awsmfa session get)": they cannot call GetSessionToken, but the default
            // profile's long-term keys can, and they lead to the same cached session.
            if (defaults is not { AccessKeyId: not null, SecretAccessKey: not null, SessionToken: null })
            {
                throw AwsmfaException.Usage(
                    "AWS_ACCESS_KEY_ID and AWS_SESSION_TOKEN hold session credentials, which cannot call GetSessionToken: unset them, or use --profile with an IAM user's long-term keys");
            }

            reporter.Detail("AWS_ACCESS_KEY_ID holds session credentials; using the long-term keys of profile 'default'");
        }

        var name = named ?? DefaultProfile;
        if (!InputRules.IsProfileName(name))
        {
            throw AwsmfaException.Usage($"{(option is not null ? "--profile" : "AWS_PROFILE")} is not a valid profile name: {InputRules.ProfileHint}");
        }

        var profile = profiles.Find(name) ?? throw AwsmfaException.Usage(named is null
            ? $"no AWS credentials: no profile 'default' in {profiles.Describe()}, and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set; use --profile NAME"
            : $"profile '{name}' was not found in {profiles.Describe()}");

        if (profile.SessionToken is not null || (profile.AccessKeyId is { } id && IsTemporaryKeyId(id)))
        {
            throw AwsmfaException.Usage(
                $"profile '{name}' holds session credentials (aws_session_token), which cannot call GetSessionToken; name the profile with the IAM user's long-term keys");
        }

        if (profile.AccessKeyId is null || profile.SecretAccessKey is null)
        {
            // A profile that itself runs credential_process (perhaps awsmfa) is never followed:
            // that could recurse into this very command.
            var how = profile.CredentialProcess is not null ? "gets its credentials from credential_process"
                : profile.RoleArn is not null ? "assumes a role"
                : "has no aws_access_key_id and aws_secret_access_key";
            throw AwsmfaException.Usage(
                $"profile '{name}' {how}; awsmfa needs a profile with an IAM user's long-term access keys (--profile NAME)");
        }

        return (name, new LongTermCredentials(profile.AccessKeyId, profile.SecretAccessKey), profile);
    }

    private string ResolveSerial(string? option, AwsProfile? profile, string profileName)
    {
        if (option is not null)
        {
            return option;
        }

        if (environment.Get("AWSMFA_SERIAL_NUMBER") is { } fromEnvironment)
        {
            var trimmed = fromEnvironment.Trim();
            return InputRules.IsMfaSerial(trimmed)
                ? trimmed
                : throw AwsmfaException.Usage($"AWSMFA_SERIAL_NUMBER is not valid: {InputRules.SerialHint}");
        }

        if (profile?.MfaSerial is { } fromProfile)
        {
            return InputRules.IsMfaSerial(fromProfile)
                ? fromProfile
                : throw AwsmfaException.Usage($"mfa_serial in profile '{profile.Name}' is not valid: {InputRules.SerialHint}");
        }

        var where = profileName == EnvironmentProfile ? "the default profile" : $"profile '{profileName}'";
        throw AwsmfaException.Usage(
            $"no MFA device: pass --serial-number ARN, set AWSMFA_SERIAL_NUMBER, or add mfa_serial = ARN to {where} in ~/.aws/config");
    }

    private static string? ProfileRegion(AwsProfile? profile) =>
        profile?.Region is not { } region || InputRules.IsRegion(region)
            ? profile?.Region
            : throw AwsmfaException.Usage($"region in profile '{profile.Name}' is not valid: {InputRules.RegionHint}");

    private TimeSpan? EnvironmentTimeout()
    {
        if (environment.Get("AWSMFA_REQUEST_TIMEOUT") is not { } text)
        {
            return null;
        }

        return DurationParser.TryParseSeconds(text, out var seconds) && seconds is > 0 and <= 600
            ? TimeSpan.FromSeconds(seconds)
            : throw AwsmfaException.Usage("AWSMFA_REQUEST_TIMEOUT must be a duration from 1s to 10m, such as 10, 30s or 2m");
    }

    private string? EnvironmentRegion()
    {
        var region = environment.Get("AWS_REGION") ?? environment.Get("AWS_DEFAULT_REGION");
        if (region is null)
        {
            return null;
        }

        region = region.Trim();
        return InputRules.IsRegion(region)
            ? region
            : throw AwsmfaException.Usage($"AWS_REGION / AWS_DEFAULT_REGION is not a valid region: {InputRules.RegionHint}");
    }

    // Keys that STS issues for sessions start with ASIA; IAM users' long-term keys with AKIA.
    private static bool IsTemporaryKeyId(string accessKeyId) => accessKeyId.StartsWith("ASIA", StringComparison.Ordinal);
}
