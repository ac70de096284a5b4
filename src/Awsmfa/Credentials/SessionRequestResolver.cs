using Awsmfa.Aws;
using Awsmfa.Keyring;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>Applies the precedence rules (option, then environment, then profile) to build a <see cref="SessionRequest"/>.</summary>
internal sealed class SessionRequestResolver(IEnvironment environment, IProfileStore profiles, KeyringIndex keyring, Reporter reporter)
{
    private readonly KindContext _kinds = new(environment, profiles, keyring);

    public const string EnvironmentProfile = "env";

    /// <summary>Role hops awsmfa follows from the named profile down to the keys.</summary>
    public const int MaxChainDepth = 16;
    private const string DefaultProfile = KindContext.DefaultProfile;

    /// <param name="federation">For GetFederationToken when the profile has no role: it takes no MFA, so no device is needed.</param>
    /// <param name="deviceOptional">The command uses the root's own credentials (IAM self-service before a device exists): no device is needed.</param>
    public SessionRequest Resolve(PipelineOptions options, bool federation = false, bool deviceOptional = false) => Resolve(options, federation, deviceOptional, []);

    private SessionRequest Resolve(PipelineOptions options, bool federation, bool deviceOptional, IReadOnlyList<string> aliases)
    {
        if (aliases.Count == 0 && keyring.Problem is { } problem)
        {
            reporter.Warn(problem);
        }

        // A profile whose credential_process is awsmfa for another profile (the README's own
        // [profile mfa]) is that profile, with its own region if it names one.
        var named = options.Profile ?? environment.Get("AWS_PROFILE")?.Trim();
        if (named is not null && InputRules.IsProfileName(named)
            && _kinds.View(named) is { } alias && ProfileKinds.Of(alias) is AwsmfaProcessKind
            && AwsmfaProcessKind.Target(alias) is { } target)
        {
            if (target == named || aliases.Contains(target, StringComparer.Ordinal))
            {
                throw AwsmfaException.Usage($"credential_process loop: {string.Join(" -> ", aliases.Append(named).Append(target))}; a profile's credential_process must not run awsmfa for that profile");
            }

            reporter.Detail($"profile '{named}' runs awsmfa for profile '{target}': serving '{target}' here");
            var request = Resolve(options with { Profile = target }, federation, deviceOptional, [.. aliases, named]);
            return options.Region is null && EnvironmentRegion() is null && ProfileRegion([alias.Profile]) is { } aliasRegion
                ? request with { Target = request.Target with { Region = aliasRegion } }
                : request;
        }

        var (profileName, spec, chain, hops, settingsProfile) = ResolveRoot(options.Profile, federation ? "GetFederationToken" : "GetSessionToken");
        // From the profile the user named down to the one with the keys: a role profile's own
        // settings win over its source's.
        var names = chain.Select(p => p.Name).ToList();
        var resolving = CheckNotResolvingAlready(names);
        spec = spec with { Endpoint = StsEndpoint(options.EndpointUrl, chain.Count > 0 ? chain[0].Name : null) };
        var roles = RoleHops(hops, chain, options);
        if (roles.Length == 0 && options.DurationSeconds is { } own && spec.DurationProblem(own) is { } duration)
        {
            throw AwsmfaException.Usage(duration);
        }

        // A role reached straight from a root's credentials may carry no MFA (a role whose trust
        // policy does not ask for it, temporary credentials from a credential_process); an MFA
        // session always needs a device.
        var serialOptional = deviceOptional || spec.NeedsNoMfaDevice || (roles.Length > 0 ? spec.RolesFromRootMayNeedNoMfa : federation);
        var serial = ResolveSerial(options.SerialNumber, chain, profileName, serialOptional);
        var region = options.Region ?? EnvironmentRegion() ?? ProfileRegion(chain);
        var cache = options.NoCache ? CacheMode.Off : options.Refresh ? CacheMode.Refresh : CacheMode.Normal;
        return new SessionRequest(
            spec,
            settingsProfile,
            serial,
            roles.Length > 0 ? null : options.DurationSeconds,
            new TokenCodeOption(options.TokenCode),
            new AwsTarget(region, options.EndpointUrl, chain.Count > 0 ? chain[0].Name : null, options.RequestTimeout ?? EnvironmentTimeout() ?? AwsTarget.DefaultRequestTimeout),
            cache)
        {
            Roles = roles,
            ProfileChain = names,
            Resolving = [.. resolving, .. names.Where(n => !resolving.Contains(n, StringComparer.Ordinal))],
            FirstRoleFromRoot = spec is KeysRootSpec { FromCredentialSource: true },
        };
    }

    /// <summary>The region, endpoint and timeout of the options and the environment, no profile read.</summary>
    public AwsTarget TargetWithoutProfile(PipelineOptions options) =>
        new(options.Region ?? EnvironmentRegion(), options.EndpointUrl, null, options.RequestTimeout ?? EnvironmentTimeout() ?? AwsTarget.DefaultRequestTimeout);

    /// <summary>
    /// A profile whose <c>credential_process</c> runs awsmfa for itself (or for a profile further
    /// up the chain that led here) would start awsmfa after awsmfa without end: each awsmfa tells
    /// the processes it starts which profiles it is resolving, and refuses to resolve one again.
    /// </summary>
    /// <returns>The profiles the awsmfa that started this one was resolving.</returns>
    private List<string> CheckNotResolvingAlready(IReadOnlyList<string> names)
    {
        if (environment.Get(CredentialProcessRoot.ResolvingVariable) is not { } text)
        {
            return [];
        }

        var resolving = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (names.FirstOrDefault(n => resolving.Contains(n, StringComparer.Ordinal)) is { } again)
        {
            throw AwsmfaException.Usage(
                $"credential_process loop: profile '{again}' is already being resolved by the awsmfa that ran this one ({string.Join(" -> ", resolving)} -> {again}); a profile's credential_process must not run awsmfa for that profile");
        }

        return resolving;
    }

    /// <summary>Keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), for a role profile's credential_source.</summary>
    private KeysRootSpec EnvironmentRoot(string profile)
    {
        if (environment.Get("AWS_ACCESS_KEY_ID") is not { } id || environment.Get("AWS_SECRET_ACCESS_KEY") is not { } secret)
        {
            throw AwsmfaException.Usage(
                $"profile '{profile}' has credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set");
        }

        return new KeysRootSpec(RootIdentity.Environment, profile, new RootCredentials(id.Trim(), secret.Trim(), environment.Get("AWS_SESSION_TOKEN")?.Trim()), FromCredentialSource: true);
    }

    /// <summary>
    /// From the named profile down each role's source to the profile whose kind gives a root:
    /// every profile passed (named first, the root's last), the role profiles among them, and the root.
    /// </summary>
    private (List<AwsProfile> Chain, List<AwsProfile> Hops, RootSpec Root, string? SettingsProfile) Walk(ProfileView named, string call)
    {
        var chain = new List<AwsProfile>();
        var hops = new List<AwsProfile>();
        for (var current = named; ;)
        {
            chain.Add(current.Profile);
            if (chain.Count > MaxChainDepth)
            {
                // Each hop is an AssumeRole call; a deeper chain is a mistake or a hostile config,
                // and walking thousands of hops would take minutes.
                throw AwsmfaException.Usage(
                    $"profile '{named.Name}' leads through more than {MaxChainDepth} source_profile hops ({string.Join(" -> ", chain.Take(4).Select(p => p.Name))} -> ...); awsmfa follows at most {MaxChainDepth}");
            }

            var asSource = chain.Count > 1;
            if (ProfileKinds.Of(current, asSource) is not RoleKind and var kind)
            {
                return (chain, hops, kind.Root(current, _kinds, asSource ? "GetSessionToken" : call), current.Name);
            }

            hops.Add(current.Profile);
            var next = RoleKind.Next(current);
            if (next.FromEnvironment)
            {
                // credential_source = Environment: the last role is assumed straight from the keys in the
                // environment, with its mfa_serial and a code (the AWS CLI's convention).
                return (chain, hops, EnvironmentRoot(current.Name), null);
            }

            if (next.SourceProfile is not { } source)
            {
                // Its own keys: the root is the profile as a source (its role is its own hop).
                return (chain, hops, ProfileKinds.Of(current, asSource: true).Root(current, _kinds, "GetSessionToken"), current.Name);
            }

            if (chain.Any(p => p.Name == source))
            {
                throw AwsmfaException.Usage($"source_profile loop: {string.Join(" -> ", chain.Select(p => p.Name))} -> {source}");
            }

            current = _kinds.View(source) ?? throw AwsmfaException.Usage(
                $"profile '{current.Name}' names source_profile '{source}', which was not found in {profiles.Describe()}");
        }
    }

    private RoleHop[] RoleHops(List<AwsProfile> roleProfiles, List<AwsProfile> chain, PipelineOptions options)
    {
        var hops = new List<RoleHop>();
        // The chain runs from the named profile down; roles are assumed from the root up.
        for (var i = roleProfiles.Count - 1; i >= 0; i--)
        {
            var profile = roleProfiles[i];
            hops.Add(new RoleHop(
                profile.Name,
                KindContext.Checked(profile.RoleArn!, InputRules.IsRoleArn, $"role_arn in profile '{profile.Name}'", InputRules.RoleArnHint),
                profile.ExternalId is { } id ? KindContext.Checked(id, InputRules.IsExternalId, $"external_id in profile '{profile.Name}'", InputRules.ExternalIdHint) : null,
                profile.RoleSessionName is { } name ? KindContext.Checked(name, InputRules.IsSessionName, $"role_session_name in profile '{profile.Name}'", InputRules.SessionNameHint) : _kinds.DefaultSessionName(),
                null));
        }

        if (options.RoleArn is { } adHoc)
        {
            hops.Add(new RoleHop(
                hops.Count > 0 ? hops[^1].Profile : chain.Count > 0 ? chain[0].Name : options.Profile ?? environment.Get("AWS_PROFILE") ?? KindContext.DefaultProfile,
                adHoc,
                options.ExternalId,
                options.RoleSessionName ?? _kinds.DefaultSessionName(),
                null,
                FromProfile: false));
        }
        else if (options.ExternalId is not null || options.RoleSessionName is not null)
        {
            throw AwsmfaException.Usage("--external-id and --role-session-name go with --role-arn");
        }

        if (hops.Count > 0 && options.DurationSeconds is { } seconds)
        {
            // Checked here, not when the role is assumed: a request is valid or not whatever the
            // cache holds (a hit must not accept what --refresh refuses).
            var last = hops[^1];
            if (seconds is < AssumeRoleStep.MinRoleSeconds or > AssumeRoleStep.MaxRoleSeconds)
            {
                throw AwsmfaException.Usage($"--duration for the role of profile '{last.Profile}' must be from 900 (15m) to 43200 (12h) seconds");
            }

            if (hops.Count > 1 && seconds > AssumeRoleStep.MaxChainedSeconds)
            {
                throw AwsmfaException.Usage(
                    $"role profile '{last.Profile}' asks for {DurationParser.Humanize(TimeSpan.FromSeconds(seconds))}, but a role assumed with another role's credentials lasts at most 1h (AWS's role-chaining limit); ask for 1h or less");
            }

            hops[^1] = last with { DurationOption = seconds };
        }

        return [.. hops];
    }

    /// <param name="call">What the root's keys will sign when the profile is no role: named when they cannot.</param>
    /// <returns>The profile named (<c>env</c> for the environment's credentials), the root, the profiles passed from the named one down to the root's, the role profiles among them, and the profile whose settings apply to the root's step.</returns>
    private (string Name, RootSpec Root, List<AwsProfile> Chain, List<AwsProfile> Hops, string? SettingsProfile) ResolveRoot(string? option, string call)
    {
        var named = option ?? environment.Get("AWS_PROFILE")?.Trim();
        if (named is null && environment.Get("AWS_ACCESS_KEY_ID") is not null && environment.Get("AWS_SECRET_ACCESS_KEY") is null)
        {
            // botocore's PartialCredentialsError: a key id without its secret is a mistake, not a
            // reason to sign quietly as profile 'default'. (A lone secret botocore ignores, as here.)
            throw AwsmfaException.Usage("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset AWS_ACCESS_KEY_ID (or name a profile with --profile)");
        }

        if (named is null
            && environment.Get("AWS_ACCESS_KEY_ID") is { } accessKeyId
            && environment.Get("AWS_SECRET_ACCESS_KEY") is { } secret)
        {
            var defaults = profiles.Find(DefaultProfile);
            if (environment.Get("AWS_SESSION_TOKEN") is null && !IsTemporaryKeyId(accessKeyId))
            {
                // The default profile may still carry mfa_serial and region for keys from the environment.
                return (EnvironmentProfile, new KeysRootSpec(RootIdentity.Environment, EnvironmentProfile, new RootCredentials(accessKeyId.Trim(), secret.Trim())), defaults is null ? [] : [defaults], [], defaults?.Name);
            }

            // Session credentials in the environment are most often an earlier
            // eval "$(awsmfa session get)": they cannot call GetSessionToken, but the default
            // profile's long-term keys can, and they lead to the same cached session.
            if (defaults is not { AccessKeyId: not null, SecretAccessKey: not null, SessionToken: null })
            {
                throw AwsmfaException.Usage(
                    $"AWS_ACCESS_KEY_ID and AWS_SESSION_TOKEN hold session credentials, which cannot call {call}: unset them, or use --profile with an IAM user's long-term keys");
            }

            reporter.Detail("AWS_ACCESS_KEY_ID holds session credentials; using the long-term keys of profile 'default'");
        }

        // botocore's next providers: a web identity in the environment (GitHub OIDC, EKS IRSA,
        // GitLab CI). Only an explicit --profile turns them off; AWS_PROFILE does not (an IRSA
        // pod's AWS_PROFILE may name a profile of settings alone), and that profile then gives the region.
        if (option is null && !HasEnvironmentKeys() && (named is null || GivesNoCredentials(named)))
        {
            foreach (var kind in ProfileKinds.All)
            {
                if (kind.FromEnvironment(_kinds, named) is { } fromEnvironment)
                {
                    var settings = named ?? DefaultProfile;
                    var settingsProfile = InputRules.IsProfileName(settings) ? profiles.Find(settings) : null;
                    return (EnvironmentProfile, fromEnvironment, settingsProfile is null ? [] : [settingsProfile], [], settingsProfile?.Name);
                }
            }
        }

        var name = named ?? DefaultProfile;
        if (!InputRules.IsProfileName(name))
        {
            throw AwsmfaException.Usage($"{(option is not null ? "--profile" : "AWS_PROFILE")} is not a valid profile name: {InputRules.ProfileHint}");
        }

        var profile = _kinds.View(name) ?? throw AwsmfaException.Usage(named is null
            ? $"no AWS credentials: no profile 'default' in {profiles.Describe()}, and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set; use --profile NAME"
            : $"profile '{name}'{(option is null ? " (from AWS_PROFILE)" : "")} was not found in {profiles.Describe()}");
        var (chain, hops, root, settingsFrom) = Walk(profile, call);
        return (name, root, chain, hops, settingsFrom);
    }

    /// <summary>A profile botocore's earlier providers pass over: settings alone (no kind that gives credentials), or none at all.</summary>
    private bool GivesNoCredentials(string name) =>
        !InputRules.IsProfileName(name) || _kinds.View(name) is not { } profile || ProfileKinds.Of(profile) is SettingsKind;

    private bool HasEnvironmentKeys() => environment.Get("AWS_ACCESS_KEY_ID") is not null && environment.Get("AWS_SECRET_ACCESS_KEY") is not null;

    /// <summary>--serial-number, AWSMFA_SERIAL_NUMBER, else the nearest mfa_serial from the named profile down its chain.</summary>
    private string? ResolveSerial(string? option, IReadOnlyList<AwsProfile> chain, string profileName, bool optional)
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

        if (chain.FirstOrDefault(p => p.MfaSerial is not null) is { MfaSerial: { } fromProfile } profile)
        {
            return InputRules.IsMfaSerial(fromProfile)
                ? fromProfile
                : throw AwsmfaException.Usage($"mfa_serial in profile '{profile.Name}' is not valid: {InputRules.SerialHint}");
        }

        if (optional)
        {
            return null;
        }

        var where = profileName == EnvironmentProfile ? "the default profile" : $"profile '{profileName}'";
        throw AwsmfaException.Usage(
            $"no MFA device: pass --serial-number ARN, set AWSMFA_SERIAL_NUMBER, or add mfa_serial = ARN to {where} in ~/.aws/config");
    }

    /// <summary>The nearest region from the named profile down its chain: a role profile's own wins.</summary>
    private static string? ProfileRegion(IReadOnlyList<AwsProfile> chain)
    {
        if (chain.FirstOrDefault(p => p.Region is not null) is not { Region: { } region } profile)
        {
            return null;
        }

        return !InputRules.IsRegion(region)
            ? throw AwsmfaException.Usage($"region in profile '{Printable.OneLine(profile.Name)}' is not valid: {InputRules.RegionHint}")
            : !profile.RegionKnown && KnownRegions.Typo(region) is { } typo
                ? throw AwsmfaException.Usage($"region in profile '{Printable.OneLine(profile.Name)}': {typo}")
                : region;
    }

    /// <summary>
    /// The STS endpoint configured in place of AWS's own, as the SDK picks it (the option, then
    /// AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, then the profile's endpoint_url), in one canonical
    /// form; null for AWS's own. Only what the cache keys need: the SDK still resolves the endpoint.
    /// </summary>
    private string? StsEndpoint(Uri? option, string? profile)
    {
        if (option is not null)
        {
            return IsAwsOwn(option.AbsoluteUri) ? null : RootSpec.CanonicalEndpoint(option.AbsoluteUri);
        }

        if (string.Equals(environment.Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase)
            || (profile is not null && string.Equals(profiles.FindSetting(profile, "ignore_configured_endpoint_urls"), "true", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var configured = environment.Get("AWS_ENDPOINT_URL_STS") is { Length: > 0 } sts ? sts
            : environment.Get("AWS_ENDPOINT_URL") is { Length: > 0 } all ? all
            : profile is null ? null
            : profiles.FindSetting(profile, "endpoint_url") is { Length: > 0 } url ? url
            // A [services NAME] section may give STS an endpoint of its own: entries of a
            // profile that names one answer for that section (a miss at worst when it names none).
            : profiles.FindSetting(profile, "services") is { Length: > 0 } services ? "services:" + services.Trim()
            : null;
        return configured is not { Length: > 0 } ? null
            : configured.StartsWith("services:", StringComparison.Ordinal) ? configured
            : IsAwsOwn(configured) ? null
            : RootSpec.CanonicalEndpoint(configured);
    }

    /// <summary>AWS's own STS hosts (regional, FIPS, dual-stack): an endpoint_url naming one is still AWS, whose sessions are the same.</summary>
    private static bool IsAwsOwn(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
        && uri.Host.StartsWith("sts", StringComparison.OrdinalIgnoreCase)
        && (uri.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".api.aws", StringComparison.OrdinalIgnoreCase));

    private TimeSpan? EnvironmentTimeout()
    {
        if (environment.Get("AWSMFA_REQUEST_TIMEOUT") is not { } text)
        {
            return null;
        }

        return DurationParser.ParseRequestTimeout(text)
            ?? throw AwsmfaException.Usage("AWSMFA_REQUEST_TIMEOUT must be " + DurationParser.RequestTimeoutHint);
    }

    private string? EnvironmentRegion()
    {
        var region = environment.Get("AWS_REGION") ?? environment.Get("AWS_DEFAULT_REGION");
        if (region is null)
        {
            return null;
        }

        region = region.Trim();
        return !InputRules.IsRegion(region)
            ? throw AwsmfaException.Usage($"AWS_REGION / AWS_DEFAULT_REGION is not a valid region: {InputRules.RegionHint}")
            : KnownRegions.Typo(region) is { } typo
                ? throw AwsmfaException.Usage($"AWS_REGION / AWS_DEFAULT_REGION: {typo}")
                : region;
    }

    // Keys that STS issues for sessions start with ASIA; IAM users' long-term keys with AKIA.
    private static bool IsTemporaryKeyId(string accessKeyId) => accessKeyId.StartsWith("ASIA", StringComparison.Ordinal);
}
