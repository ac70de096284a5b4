using Awsmfa.Aws;
using Awsmfa.Keyring;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Credentials;

/// <summary>Applies the precedence rules (option, then environment, then profile) to build a <see cref="SessionRequest"/>.</summary>
internal sealed class SessionRequestResolver(IEnvironment environment, IProfileStore profiles, KeyringIndex keyring, Reporter reporter)
{
    public const string EnvironmentProfile = "env";

    /// <summary>Role hops awsmfa follows from the named profile down to the keys.</summary>
    public const int MaxChainDepth = 16;
    private const string DefaultProfile = "default";

    /// <param name="federation">For GetFederationToken when the profile has no role: it takes no MFA, so no device is needed.</param>
    public SessionRequest Resolve(PipelineOptions options, bool federation = false) => Resolve(options, federation, []);

    private SessionRequest Resolve(PipelineOptions options, bool federation, IReadOnlyList<string> aliases)
    {
        if (aliases.Count == 0 && keyring.Problem is { } problem)
        {
            reporter.Warn(problem);
        }

        // A profile whose credential_process is awsmfa for another profile (the README's own
        // [profile mfa]) is that profile, with its own region if it names one.
        var named = options.Profile ?? environment.Get("AWS_PROFILE")?.Trim();
        if (named is not null && InputRules.IsProfileName(named)
            && FindProfile(named) is { CredentialProcess: { } command, AssumesRole: false } alias
            && AwsmfaProcessProfile.Target(command) is { } target)
        {
            if (target == named || aliases.Contains(target, StringComparer.Ordinal))
            {
                throw AwsmfaException.Usage($"credential_process loop: {string.Join(" -> ", aliases.Append(named).Append(target))}; a profile's credential_process must not run awsmfa for that profile");
            }

            reporter.Detail($"profile '{named}' runs awsmfa for profile '{target}': serving '{target}' here");
            var request = Resolve(options with { Profile = target }, federation, [.. aliases, named]);
            return options.Region is null && EnvironmentRegion() is null && ProfileRegion([alias]) is { } aliasRegion
                ? request with { Target = request.Target with { Region = aliasRegion } }
                : request;
        }

        var (profileName, namedRoot, profile) = ResolveRoot(options.Profile, federation ? "GetFederationToken" : "GetSessionToken");
        // From the profile the user named down to the one with the keys: a role profile's own
        // settings win over its source's.
        var chain = profileName == EnvironmentProfile ? [] : RoleChain(profile);
        var names = chain.Count > 0 ? chain.Select(p => p.Name).ToList() : profile is null ? [] : [profile.Name];
        var resolving = CheckNotResolvingAlready(names);
        var root = chain.Count > 0 ? chain[^1] : profile;
        // credential_source = Environment: the last role is assumed straight from the keys in the
        // environment, with its mfa_serial and a code (the AWS CLI's convention).
        var fromEnvironment = root is { AssumesRole: true, CredentialSource: not null };
        var spec = fromEnvironment ? EnvironmentRoot(root!.Name)
            : root is not null && root != profile ? CheckedRoot(root.Name, root)
            : namedRoot!;
        spec = spec with { Endpoint = StsEndpoint(options.EndpointUrl, profile?.Name) };
        var roles = RoleHops(chain, options);
        // A role reached straight from a root's credentials may carry no MFA (a role whose trust
        // policy does not ask for it, temporary credentials from a credential_process); an MFA
        // session always needs a device.
        if (spec.Kind == RootIdentity.WebIdentity && roles.Length == 0 && options.DurationSeconds is < AssumeRoleStep.MinRoleSeconds or > AssumeRoleStep.MaxRoleSeconds)
        {
            throw AwsmfaException.Usage($"--duration for the web identity's role {spec.WebIdentity!.RoleArn} must be from 900 (15m) to 43200 (12h) seconds");
        }

        var serialOptional = spec.Kind == RootIdentity.WebIdentity || (roles.Length > 0 ? fromEnvironment || spec.Kind == RootIdentity.Process : federation);
        var serial = ResolveSerial(options.SerialNumber, chain.Count > 0 ? chain : profile is null ? [] : [profile], profileName, serialOptional);
        var region = options.Region ?? EnvironmentRegion() ?? ProfileRegion(chain.Count > 0 ? chain : profile is null ? [] : [profile]);
        var cache = options.NoCache ? CacheMode.Off : options.Refresh ? CacheMode.Refresh : CacheMode.Normal;
        return new SessionRequest(
            spec,
            fromEnvironment ? null : root?.Name,
            serial,
            roles.Length > 0 ? null : options.DurationSeconds,
            new TokenCodeOption(options.TokenCode),
            new AwsTarget(region, options.EndpointUrl, profile?.Name, options.RequestTimeout ?? EnvironmentTimeout() ?? AwsTarget.DefaultRequestTimeout),
            cache)
        {
            Roles = roles,
            ProfileChain = names,
            Resolving = [.. resolving, .. names.Where(n => !resolving.Contains(n, StringComparer.Ordinal))],
            FirstRoleFromRoot = fromEnvironment,
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
    private RootSpec EnvironmentRoot(string profile)
    {
        if (environment.Get("AWS_ACCESS_KEY_ID") is not { } id || environment.Get("AWS_SECRET_ACCESS_KEY") is not { } secret)
        {
            throw AwsmfaException.Usage(
                $"profile '{profile}' has credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set");
        }

        return new RootSpec(RootIdentity.Environment, profile, new RootCredentials(id.Trim(), secret.Trim(), environment.Get("AWS_SESSION_TOKEN")?.Trim()));
    }

    /// <summary>
    /// The named profile and, while it assumes a role, each <c>source_profile</c> down to the
    /// first profile with long-term keys (the root); empty when the named profile is itself the root.
    /// </summary>
    private List<AwsProfile> RoleChain(AwsProfile? named)
    {
        var chain = new List<AwsProfile>();
        if (named is not { AssumesRole: true })
        {
            return chain;
        }

        var seen = new List<string>();
        for (var current = named; ; )
        {
            chain.Add(current);
            seen.Add(current.Name);
            if (chain.Count > MaxChainDepth)
            {
                // Each hop is an AssumeRole call; a deeper chain is a mistake or a hostile config,
                // and walking thousands of hops would take minutes.
                throw AwsmfaException.Usage(
                    $"profile '{named.Name}' leads through more than {MaxChainDepth} source_profile hops ({string.Join(" -> ", seen.Take(4))} -> ...); awsmfa follows at most {MaxChainDepth}");
            }

            if (!current.AssumesRole)
            {
                return chain;
            }

            // A web identity profile is a root: its role is its own step's, not a hop.
            if (WebIdentityOf(current) is not null)
            {
                chain[^1] = current with { RoleArn = null, SourceProfile = null, CredentialSource = null };
                return chain;
            }

            // botocore: a source profile with static keys is the root, whatever role it names
            // itself; walking past it would sign with another IAM user and assume an extra role.
            if (chain.Count > 1 && HasOwnKeys(current))
            {
                chain[^1] = current with { RoleArn = null, SourceProfile = null, CredentialSource = null };
                return chain;
            }

            if (current.CredentialSource is { } credentialSource)
            {
                return current.SourceProfile is not null
                    ? throw AwsmfaException.Usage($"profile '{current.Name}' has both source_profile and credential_source; a role profile names one of them")
                    : string.Equals(credentialSource, "Environment", StringComparison.OrdinalIgnoreCase)
                        ? chain
                        : throw AwsmfaException.Usage(
                            $"profile '{current.Name}' has credential_source = {credentialSource}; awsmfa takes credential_source = Environment only (Ec2InstanceMetadata and EcsContainer credentials belong to a machine, not to a person with an MFA device): use source_profile, or Environment");
            }

            if (current.SourceProfile is not { } source)
            {
                // aws-vault's reading: a role profile with keys of its own and no source uses them.
                if (HasOwnKeys(current))
                {
                    return chain;
                }

                throw AwsmfaException.Usage(
                    $"profile '{current.Name}' assumes a role but names no source_profile or credential_source; awsmfa assumes roles from a source_profile with an IAM user's keys, or from credential_source = Environment");
            }

            // The AWS CLI's own shape: a profile that is its own source uses its keys for its role.
            if (source == current.Name && HasOwnKeys(current))
            {
                return chain;
            }

            if (seen.Contains(source, StringComparer.Ordinal))
            {
                throw AwsmfaException.Usage($"source_profile loop: {string.Join(" -> ", seen)} -> {source}");
            }

            current = FindProfile(source) ?? throw AwsmfaException.Usage(
                $"profile '{current.Name}' names source_profile '{source}', which was not found in {profiles.Describe()}");
        }
    }

    private RoleHop[] RoleHops(List<AwsProfile> chain, PipelineOptions options)
    {
        var hops = new List<RoleHop>();
        // The chain runs from the named profile down; roles are assumed from the root up.
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var profile = chain[i];
            if (!profile.AssumesRole)
            {
                continue;
            }

            hops.Add(new RoleHop(
                profile.Name,
                Checked(profile.RoleArn!, InputRules.IsRoleArn, $"role_arn in profile '{profile.Name}'", InputRules.RoleArnHint),
                profile.ExternalId is { } id ? Checked(id, InputRules.IsExternalId, $"external_id in profile '{profile.Name}'", InputRules.ExternalIdHint) : null,
                profile.RoleSessionName is { } name ? Checked(name, InputRules.IsSessionName, $"role_session_name in profile '{profile.Name}'", InputRules.SessionNameHint) : DefaultSessionName(),
                null));
        }

        if (options.RoleArn is { } adHoc)
        {
            hops.Add(new RoleHop(
                hops.Count > 0 ? hops[^1].Profile : chain.Count > 0 ? chain[0].Name : options.Profile ?? environment.Get("AWS_PROFILE") ?? DefaultProfile,
                adHoc,
                options.ExternalId,
                options.RoleSessionName ?? DefaultSessionName(),
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

    /// <summary>awsmfa-USER, as CloudTrail shows it: stable, so the role's sessions are recognisably the user's.</summary>
    private string DefaultSessionName()
    {
        var user = new string((environment.Get("USER") ?? environment.Get("USERNAME") ?? "user")
            .Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-').ToArray());
        var name = "awsmfa-" + (user.Length > 0 ? user : "user");
        return name.Length <= 64 ? name : name[..64];
    }

    private static string Checked(string value, Func<string, bool> isValid, string what, string hint) =>
        isValid(value) ? value : throw AwsmfaException.Usage($"{what} is not valid: {hint}");

    /// <param name="call">What the root's keys will sign when the profile is no role: named when they cannot.</param>
    private (string Name, RootSpec? Root, AwsProfile? Profile) ResolveRoot(string? option, string call)
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
                return (EnvironmentProfile, new RootSpec(RootIdentity.Environment, EnvironmentProfile, new RootCredentials(accessKeyId.Trim(), secret.Trim())), defaults);
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

        // botocore's next provider: a web identity in the environment (GitHub OIDC, EKS IRSA, GitLab
        // CI). Only an explicit --profile turns it off; AWS_PROFILE does not (an IRSA pod's
        // AWS_PROFILE may name a profile of settings alone), and that profile then gives the region.
        if (option is null && !HasEnvironmentKeys() && (named is null || GivesNoCredentials(named))
            && environment.Get("AWS_ROLE_ARN")?.Trim() is { Length: > 0 } roleArn
            && environment.Get("AWS_WEB_IDENTITY_TOKEN_FILE")?.Trim() is { Length: > 0 } tokenFile)
        {
            var web = new WebIdentity(
                Checked(roleArn, InputRules.IsRoleArn, "AWS_ROLE_ARN", InputRules.RoleArnHint),
                tokenFile,
                environment.Get("AWS_ROLE_SESSION_NAME")?.Trim() is { Length: > 0 } session ? Checked(session, InputRules.IsSessionName, "AWS_ROLE_SESSION_NAME", InputRules.SessionNameHint) : DefaultSessionName(),
                null);
            var settings = named ?? DefaultProfile;
            return (EnvironmentProfile, new RootSpec(RootIdentity.WebIdentity, EnvironmentProfile, WebIdentity: web), InputRules.IsProfileName(settings) ? profiles.Find(settings) : null);
        }

        var name = named ?? DefaultProfile;
        if (!InputRules.IsProfileName(name))
        {
            throw AwsmfaException.Usage($"{(option is not null ? "--profile" : "AWS_PROFILE")} is not a valid profile name: {InputRules.ProfileHint}");
        }

        var profile = FindProfile(name) ?? throw AwsmfaException.Usage(named is null
            ? $"no AWS credentials: no profile 'default' in {profiles.Describe()}, and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set; use --profile NAME"
            : $"profile '{name}'{(option is null ? " (from AWS_PROFILE)" : "")} was not found in {profiles.Describe()}");

        // A web identity profile is a root of its own: its role comes from STS for the token.
        if (WebIdentityOf(profile) is { } webIdentity)
        {
            return (name, new RootSpec(RootIdentity.WebIdentity, name, WebIdentity: webIdentity), profile);
        }

        // A role profile's keys are its root's, found by walking source_profile, unless the
        // profile is its own source (source_profile naming itself, or none) and has keys.
        if (profile.AssumesRole && !((profile.SourceProfile == profile.Name || profile.SourceProfile is null && profile.CredentialSource is null) && HasOwnKeys(profile)))
        {
            return (name, null, profile);
        }

        return (name, CheckedRoot(name, profile, call), profile);
    }

    /// <summary>A profile botocore's earlier providers pass over: settings alone (no role, keys, process, web identity or SSO), or none at all.</summary>
    private bool GivesNoCredentials(string name) =>
        !InputRules.IsProfileName(name)
        || FindProfile(name) is not { } profile
        || (!profile.AssumesRole && profile.AccessKeyId is null && profile.CredentialProcess is null && keyring.Find(name) is null
            && profiles.FindSetting(name, "web_identity_token_file") is not { Length: > 0 } && profiles.FindSetting(name, "sso_session") is null && profiles.FindSetting(name, "sso_start_url") is null);

    private bool HasEnvironmentKeys() => environment.Get("AWS_ACCESS_KEY_ID") is not null && environment.Get("AWS_SECRET_ACCESS_KEY") is not null;

    /// <summary>
    /// A profile's web identity, as botocore reads it: <c>web_identity_token_file</c> with
    /// <c>role_arn</c> (<c>role_session_name</c>, <c>duration_seconds</c>); null for any other profile.
    /// </summary>
    private WebIdentity? WebIdentityOf(AwsProfile profile)
    {
        if (profiles.FindSetting(profile.Name, "web_identity_token_file") is not { Length: > 0 } file)
        {
            return null;
        }

        var roleArn = profiles.FindSetting(profile.Name, "role_arn") ?? throw AwsmfaException.Usage(
            $"profile '{profile.Name}' has web_identity_token_file but no role_arn: name the role the token is for");
        var session = profiles.FindSetting(profile.Name, "role_session_name");
        int? duration = profiles.FindSetting(profile.Name, "duration_seconds") is { } text
            ? DurationParser.TryParseSeconds(text, out var seconds) && seconds is >= AssumeRoleStep.MinRoleSeconds and <= AssumeRoleStep.MaxRoleSeconds
                ? seconds
                : throw AwsmfaException.Usage($"duration_seconds in profile '{profile.Name}' is '{Output.Printable.OneLine(text)}': it must be from 900 (15m) to 43200 (12h) seconds{(text.Contains('#', StringComparison.Ordinal) ? " (a # after a value is part of it: comments go on lines of their own)" : "")}")
            : null;
        return new WebIdentity(
            Checked(roleArn.Trim(), InputRules.IsRoleArn, $"role_arn in profile '{profile.Name}'", InputRules.RoleArnHint),
            file.Trim().StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(environment.HomeDirectory, file.Trim()[2..]) : file.Trim(),
            session is not null ? Checked(session.Trim(), InputRules.IsSessionName, $"role_session_name in profile '{profile.Name}'", InputRules.SessionNameHint) : DefaultSessionName(),
            duration);
    }

    /// <summary>Keys of the profile's own, in the files or the keyring (session credentials count: they are refused as a root by name, never walked past).</summary>
    private bool HasOwnKeys(AwsProfile profile) =>
        profile.AccessKeyId is not null && profile.SecretAccessKey is not null || keyring.Find(profile.Name) is not null;

    /// <summary>A profile of the shared files, or one whose only trace is its keys in the keyring (its settings may all be defaults).</summary>
    private AwsProfile? FindProfile(string name) =>
        profiles.Find(name) ?? (keyring.Find(name) is not null ? new AwsProfile(name, null, null, null, null, null, null, null) : null);

    /// <summary>
    /// The root a profile gives (a named profile, or the end of a role chain): its keys in the
    /// keyring, else its static keys, else its credential_process; never session credentials,
    /// which cannot call GetSessionToken.
    /// </summary>
    private RootSpec CheckedRoot(string name, AwsProfile profile, string call = "GetSessionToken")
    {
        if (WebIdentityOf(profile) is { } webIdentity)
        {
            return new RootSpec(RootIdentity.WebIdentity, name, WebIdentity: webIdentity);
        }

        if (keyring.Find(name) is { } stored)
        {
            // Keys also in the file: a fallback while the keyring cannot be read, and a warning
            // (from the root, on a miss) while they stay there.
            var plaintext = profile.HasLongTermKeys ? new RootCredentials(profile.AccessKeyId!, profile.SecretAccessKey!) : null;
            return new RootSpec(RootIdentity.Keyring, name, plaintext, KeyringKeyId: stored.AccessKeyId);
        }

        if (profile.SessionToken is not null || (profile.AccessKeyId is { } id && IsTemporaryKeyId(id)))
        {
            throw AwsmfaException.Usage(
                $"profile '{name}' holds session credentials (aws_session_token), which cannot call {call}; name the profile with the IAM user's long-term keys");
        }

        if (profile.AccessKeyId is not null && profile.SecretAccessKey is not null)
        {
            return new RootSpec(RootIdentity.File, name, new RootCredentials(profile.AccessKeyId, profile.SecretAccessKey));
        }

        if (profile.CredentialProcess is { } command)
        {
            return new RootSpec(RootIdentity.Process, name, Command: command);
        }

        throw AwsmfaException.Usage(
            $"profile '{name}' has no keys (none in the keyring, no aws_access_key_id and aws_secret_access_key) nor a credential_process; store its keys with: awsmfa keys add --profile {name}, or name a role profile whose source_profile leads to keys");
    }

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
