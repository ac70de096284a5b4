using System.CommandLine;
using System.CommandLine.Parsing;
using Awsmfa.Aws;
using Awsmfa.Credentials;

namespace Awsmfa.Cli;

/// <summary>The credential-pipeline options that session get, ec2 list, ec2 terminate and exec share.</summary>
internal sealed class PipelineOptionDefinitions
{
    /// <param name="regionList">EC2 commands: --region takes a comma-separated list (the first region is the pipeline's).</param>
    public PipelineOptionDefinitions(IProfileStore profiles, bool regionList = false)
    {
        _regionList = regionList;
        Profile.Validators.Add(result => Check(result, InputRules.IsProfileName, InputRules.ProfileHint));
        Profile.CompletionSources.Add(_ => UsableProfiles(profiles));
        SerialNumber.Validators.Add(result => Check(result, InputRules.IsMfaSerial, InputRules.SerialHint));
        RoleArn.Validators.Add(result => Check(result, InputRules.IsRoleArn, InputRules.RoleArnHint));
        ExternalId.Validators.Add(result => Check(result, InputRules.IsExternalId, InputRules.ExternalIdHint));
        RoleSessionName.Validators.Add(result => Check(result, InputRules.IsSessionName, InputRules.SessionNameHint));
        Region.Validators.Add(result =>
        {
            Check(result, value => regionList ? SplitRegions(value).All(InputRules.IsRegion) && SplitRegions(value).Count > 0 : InputRules.IsRegion(value), InputRules.RegionHint + (regionList ? ", or a comma-separated list" : ""));
            if (result.Errors.Any() || result.GetValueOrDefault<string?>() is not { } text)
            {
                return;
            }

            foreach (var region in regionList ? SplitRegions(text) : [text.Trim()])
            {
                if (KnownRegions.Typo(region) is { } typo)
                {
                    result.AddError(typo);
                    return;
                }
            }
        });
        if (regionList)
        {
            Region.Description = "AWS region, or a comma-separated list (us-east-1,eu-west-1) to work in several at once [default: $AWS_REGION, $AWS_DEFAULT_REGION, else the profile's region].";
        }
        TokenCode.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && value != MfaCodeSource.StdinMarker && !Credentials.TokenCode.TryNormalize(value, out _))
            {
                result.AddError($"--token-code is not a valid MFA code: {Credentials.TokenCode.FormatHint}, or - to read one line from stdin");
            }
        });
    }

    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "Profile with the IAM user's long-term keys, or a role profile (role_arn + source_profile) [default: $AWS_PROFILE; else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when both are set; else 'default'].",
        HelpName = "NAME",
    };

    public Option<string?> RoleArn { get; } = new("--role-arn")
    {
        Description = "Assume this role on top of what the profile gives (the MFA session, or the profile's own role), without editing ~/.aws/config.",
        HelpName = "ARN",
    };

    public Option<string?> ExternalId { get; } = new("--external-id")
    {
        Description = "The external id the --role-arn role's trust policy asks for.",
        HelpName = "ID",
    };

    public Option<string?> RoleSessionName { get; } = new("--role-session-name")
    {
        Description = "The session name for --role-arn, as CloudTrail shows it [default: awsmfa-$USER].",
        HelpName = "NAME",
    };

    public Option<string?> SerialNumber { get; } = new("--serial-number")
    {
        Description = "ARN of the MFA device [default: $AWSMFA_SERIAL_NUMBER, else the profile's mfa_serial].",
        HelpName = "ARN",
    };

    public Option<string?> TokenCode { get; } = new("--token-code", "-t")
    {
        Description = "The 6-digit MFA code, or - to read it from stdin [default: $AWSMFA_TOKEN_CODE, else the profile's mfa_process, else asked on the terminal]. Only used when no cached session can serve.",
        HelpName = "CODE",
    };

    public Option<int?> Duration { get; } = new("--duration", "-d")
    {
        Description = "Session length: seconds, or 15m, 1h, 36h; 900 to 129600 s, for a role 900 to 43200 s [default: the profile's duration_seconds, else 1h].",
        HelpName = "DURATION",
        CustomParser = ParseDuration,
    };

    public Option<string?> Region { get; } = new("--region")
    {
        Description = "AWS region [default: $AWS_REGION, $AWS_DEFAULT_REGION, else the profile's region].",
        HelpName = "REGION",
    };

    public Option<Uri?> EndpointUrl { get; } = new("--endpoint-url")
    {
        Description = "Send every AWS request to this URL (moto, LocalStack) [default: the SDK's AWS_ENDPOINT_URL / endpoint_url settings].",
        HelpName = "URL",
        CustomParser = ParseEndpoint,
    };

    public Option<TimeSpan?> RequestTimeout { get; } = new("--request-timeout")
    {
        Description = "How long one AWS request may take before it is retried or given up: 10, 30s, 2m [default: $AWSMFA_REQUEST_TIMEOUT, else 10s]. The SDK's retry mode (3 attempts) applies.",
        HelpName = "DURATION",
        CustomParser = result =>
        {
            if (DurationParser.ParseRequestTimeout(result.Tokens.Count > 0 ? result.Tokens[0].Value : null) is { } timeout)
            {
                return timeout;
            }

            result.AddError("--request-timeout must be " + DurationParser.RequestTimeoutHint);
            return null;
        },
    };

    public Option<bool> Refresh { get; } = new("--refresh")
    {
        Description = "Get new credentials even if cached ones are still valid: a new MFA session (asks for a code), or for a role profile the role's (no code while the MFA session lasts).",
    };

    public Option<bool> NoCache { get; } = new("--no-cache")
    {
        Description = "Neither read nor write the session cache.",
    };

    /// <summary>The options that change which credentials are served (not how they are fetched: codes, cache, timeouts).</summary>
    public IReadOnlyList<Option> Shaping => [Profile, RoleArn, ExternalId, RoleSessionName, SerialNumber, Duration, Region, EndpointUrl];

    /// <summary>EC2 commands: --region names regions, --all-regions asks for every one; both at once is a contradiction.</summary>
    public void RefuseRegionWith(Command command, Option<bool> allRegions) =>
        command.Validators.Add(result =>
        {
            if (result.GetValue(allRegions) && result.GetResult(Region) is { Implicit: false })
            {
                result.AddError("--region and --all-regions do not go together: name the regions, or ask for all of them");
            }
        });

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Profile, RoleArn, ExternalId, RoleSessionName, SerialNumber, TokenCode, Duration, Region, EndpointUrl, RequestTimeout, Refresh, NoCache })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Only where the profile's own IAM user is reached (the profile, region, endpoint and timeout),
    /// for commands that manage the user rather than use a session (<c>mfa</c>); with
    /// <paramref name="tokenCode"/> for one that needs an MFA session too.
    /// </summary>
    public void AddUserOptionsTo(Command command, bool tokenCode = false)
    {
        foreach (var option in new Option[] { Profile, Region, EndpointUrl, RequestTimeout })
        {
            command.Options.Add(option);
        }

        if (tokenCode)
        {
            command.Options.Add(TokenCode);
        }
    }

    private readonly bool _regionList;

    /// <summary>The regions --region names, in order, without repeats; empty when it names none.</summary>
    public IReadOnlyList<string> ReadRegions(ParseResult result) =>
        result.GetValue(Region) is { } text ? SplitRegions(text) : [];

    private static List<string> SplitRegions(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    public PipelineOptions Read(ParseResult result) => new(
        result.GetValue(Profile)?.Trim(),
        result.GetValue(SerialNumber)?.Trim(),
        result.GetValue(TokenCode),
        result.GetValue(Duration),
        _regionList && result.GetValue(Region) is { } regions ? SplitRegions(regions).FirstOrDefault() : result.GetValue(Region)?.Trim(),
        result.GetValue(EndpointUrl),
        result.GetValue(Refresh),
        result.GetValue(NoCache),
        result.GetValue(RequestTimeout),
        result.GetValue(RoleArn)?.Trim(),
        result.GetValue(ExternalId)?.Trim(),
        result.GetValue(RoleSessionName)?.Trim());

    /// <summary>Completion offers only the profiles awsmfa can serve, and only names it accepts.</summary>
    /// <summary>Every profile name, for completion: none where the files cannot be read (a named file missing), never an error mid-typing.</summary>
    public static IReadOnlyList<string> ProfileNames(IProfileStore profiles)
    {
        try
        {
            return profiles.ListNames();
        }
        catch (AwsmfaException)
        {
            return [];
        }
    }

    /// <summary>The profiles whose kind awsmfa serves (what profile list resolves), for completion.</summary>
    public static IEnumerable<string> UsableProfiles(IProfileStore profiles)
    {
        var keyring = KeyringIndex();
        var inKeyring = keyring?.Entries.Select(e => e.Profile).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var name in ProfileNames(profiles).Concat(inKeyring).Distinct(StringComparer.Ordinal).Where(InputRules.IsProfileName))
        {
            AwsProfile? profile;
            try
            {
                profile = profiles.Find(name);
            }
            catch (AwsmfaException)
            {
                continue;
            }

            var view = new ProfileView(profile ?? AwsProfile.Empty(name), profiles, keyring?.Find(name));
            if (ProfileKinds.Of(view).Serves)
            {
                yield return name;
            }
        }
    }

    /// <summary>The keyring's index, for completion only (a broken index offers none).</summary>
    private static Keyring.KeyringIndex? KeyringIndex()
    {
        try
        {
            var index = Keyring.KeyringIndex.ForHome(new Platform.SystemEnvironment());
            _ = index.Entries;
            return index;
        }
        catch (AwsmfaException)
        {
            return null;
        }
    }

    private static void Check(OptionResult result, Func<string, bool> isValid, string hint)
    {
        var value = result.GetValueOrDefault<string?>();
        if (value is not null && !isValid(value.Trim()))
        {
            result.AddError($"{result.Option.Name} is not valid: {hint}");
        }
    }

    private static int? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DurationParser.TryParseSeconds(text, out var seconds) && DurationParser.IsValidSession(seconds))
        {
            return seconds;
        }

        result.AddError($"--duration must be {DurationParser.SessionRangeHint}, as seconds or 15m, 1h, 36h");
        return null;
    }

    private static Uri? ParseEndpoint(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (InputRules.TryParseEndpoint(text.Trim(), out var endpoint))
        {
            return endpoint;
        }

        result.AddError("--endpoint-url must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:5000");
        return null;
    }
}
