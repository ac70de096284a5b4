using System.Diagnostics;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Diagnostics;

internal enum CheckStatus
{
    Ok,
    Warn,
    Fail,
}

/// <summary>One finding of <c>awsmfa doctor</c>: what was checked, how it stands, and what to do.</summary>
internal sealed record CheckResult(string Check, CheckStatus Status, string Message);

/// <summary>
/// What usually breaks MFA access locally, found without spending a code or printing a secret:
/// the clock against STS's, who can read the AWS files and the cache, variables that override
/// the profile, the profile's chain, what is cached, and whether STS and EC2 answer. Every probe
/// is bounded, so it finishes in seconds with the network down.
/// </summary>
internal sealed class Doctor(
    IEnvironment environment,
    IProfileStore profiles,
    Func<Reporter, CredentialPipeline> pipelines,
    Func<Reporter, SessionCache> caches,
    TimeProvider clock,
    Func<TimeSpan> expiryMargin,
    Mfa.MfaAccounts? accounts = null)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan ClockWarn = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ClockFail = TimeSpan.FromMinutes(4);

    private static readonly (string Name, string Overrides)[] Variables =
    [
        ("AWS_ACCESS_KEY_ID", "with no --profile, awsmfa and every SDK use these keys instead of profile 'default'"),
        ("AWS_SESSION_TOKEN", "session credentials in the environment: SDKs use them and not your profiles; they cannot get an MFA session"),
        ("AWS_PROFILE", "the profile used when no --profile is given"),
        ("AWS_DEFAULT_PROFILE", "the AWS CLI v1's name for AWS_PROFILE; some tools still read it"),
        ("AWS_ENDPOINT_URL", "every AWS request goes to this endpoint, not AWS"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "SDKs assume AWS_ROLE_ARN with this token before they look at your profiles"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "SDKs take credentials from this endpoint (an exec --server, a container)"),
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "SDKs take credentials from the ECS endpoint"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "SDKs send this token to the container credentials endpoint"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "SDKs send the token in this file to the container credentials endpoint"),
    ];

    public async Task<List<CheckResult>> RunAsync(string? profile, Uri? endpointUrl, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        results.AddRange(Files());
        results.AddRange(Environment());
        var quiet = new Reporter(TextWriter.Null, verbose: false);
        var pipeline = pipelines(quiet);
        SessionRequest? request = null;
        try
        {
            request = pipeline.Resolve(new PipelineOptions(Profile: profile, EndpointUrl: endpointUrl));
            results.Add(new CheckResult("profile", CheckStatus.Ok, Describe(request)));
            results.AddRange(Durations(request));
            results.AddRange(MfaProcess(request));
            // What the root's kind checks of itself: a web identity's token file, a plaintext copy of keyring keys.
            var own = request.Root.Checks().ToList();
            results.AddRange(own);
            if (!own.Any(check => check.Status == CheckStatus.Fail))
            {
                results.AddRange(Cache(request, pipeline, caches(quiet)));
            }
        }
        catch (AwsmfaException e)
        {
            results.Add(new CheckResult("profile", CheckStatus.Fail, Printable.OneLine(e.Message)));
        }

        if (request?.MfaSerial is { } serial && Mfa.MfaDeviceTypes.Of(serial) == Mfa.MfaDeviceType.Passkey)
        {
            results.Add(new CheckResult("mfa device", CheckStatus.Fail, $"mfa_serial names a passkey or security key ({serial}), which gives no codes, and GetSessionToken takes only codes: use aws login, or create a virtual device with awsmfa mfa create{ProfileArgument(profile)} --set"));
        }
        else if (request is null or { MfaSerial: null, Root.NeedsNoMfaDevice: false } && accounts is not null)
        {
            results.AddRange(await DevicesAsync(pipeline, profile, endpointUrl, cancellationToken).ConfigureAwait(false));
        }

        // A region that did not resolve is not trusted into a host name.
        var named = (environment.Get("AWS_REGION") ?? environment.Get("AWS_DEFAULT_REGION"))?.Trim();
        var region = request?.Target.Region ?? RegionWithoutDevice(pipeline, profile, endpointUrl) ?? (named is not null && InputRules.IsRegion(named) ? named : null);
        var sts = Endpoint("STS", endpointUrl, region ?? "us-east-1");
        var ec2 = region is null ? null : Endpoint("EC2", endpointUrl, region);
        var probes = await Task.WhenAll(new[] { sts, ec2 }.OfType<Uri>().Select(uri => ProbeAsync(uri, cancellationToken))).ConfigureAwait(false);
        results.Add(ClockCheck(probes[0]));
        results.Add(Reachability("STS", probes[0]));
        results.Add(ec2 is null
            ? new CheckResult("reach EC2", CheckStatus.Warn, "no region for the profile: EC2 not checked (set region in the profile, or AWS_REGION)")
            : Reachability("EC2", probes[1]));
        return results;
    }

    /// <summary>The profile's region when it did not resolve for want of an MFA device (its region is still there to check EC2 in).</summary>
    private static string? RegionWithoutDevice(CredentialPipeline pipeline, string? profile, Uri? endpointUrl)
    {
        try
        {
            return pipeline.Resolve(new PipelineOptions(Profile: profile, EndpointUrl: endpointUrl), deviceOptional: true).Target.Region;
        }
        catch (AwsmfaException)
        {
            return null;
        }
    }

    private static string ProfileArgument(string? profile) => profile is null ? "" : $" --profile {profile}";

    /// <summary>
    /// The profile names no MFA device: what the user has in IAM (asked with the profile's keys,
    /// bounded like every probe), and the command that fixes it.
    /// </summary>
    private async Task<IEnumerable<CheckResult>> DevicesAsync(CredentialPipeline pipeline, string? profile, Uri? endpointUrl, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(2 * ProbeTimeout);
        try
        {
            var request = pipeline.Resolve(new PipelineOptions(Profile: profile, EndpointUrl: endpointUrl, RequestTimeout: ProbeTimeout), deviceOptional: true);
            if (request.Root.NeedsNoMfaDevice)
            {
                return [];
            }

            var (user, iam) = await accounts!.OpenAsync(pipeline, request, bounded.Token).ConfigureAwait(false);
            var devices = await iam.ListAsync(user.Name, bounded.Token).ConfigureAwait(false);
            var totp = devices.Where(d => Mfa.MfaDeviceTypes.GivesCodes(Mfa.MfaDeviceTypes.Of(d.SerialNumber))).ToList();
            return [devices.Count == 0
                ? new CheckResult("mfa device", CheckStatus.Fail, $"IAM user {user.Name} has no MFA device: create one with awsmfa mfa create{ProfileArgument(profile)} --set")
                : totp.Count == 0
                    ? new CheckResult("mfa device", CheckStatus.Fail, $"IAM user {user.Name} has only a passkey or security key, which gives no codes for GetSessionToken: use aws login, or add a virtual device with awsmfa mfa create{ProfileArgument(profile)} --set")
                    : new CheckResult("mfa device", CheckStatus.Warn, $"IAM user {user.Name} has {(totp.Count == 1 ? "an MFA device" : $"{totp.Count} MFA devices")} ({string.Join(", ", totp.Select(d => d.SerialNumber))}) that the profile does not name: add mfa_serial = {totp[0].SerialNumber} to it")];
        }
        catch (AwsmfaException e)
        {
            return [new CheckResult("mfa device", CheckStatus.Warn, $"could not list the user's MFA devices: {Printable.OneLine(e.Message)}")];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [new CheckResult("mfa device", CheckStatus.Warn, $"could not list the user's MFA devices: no answer within {2 * ProbeTimeout.TotalSeconds:0} s")];
        }
    }

    private IEnumerable<CheckResult> Files()
    {
        IReadOnlyList<string> files = [];
        string? unusable = null;
        try
        {
            files = profiles.Files;
        }
        catch (AwsmfaException e)
        {
            unusable = e.Message;
        }

        if (unusable is not null)
        {
            yield return new CheckResult("files", CheckStatus.Fail, Printable.OneLine(unusable));
        }

        foreach (var file in files)
        {
            var status = FileStatus.Following(file);
            if (status is null)
            {
                yield return new CheckResult("files", CheckStatus.Ok, $"{file} does not exist");
            }
            else if (status.Value.OthersCanAccess)
            {
                yield return new CheckResult("files", CheckStatus.Warn, $"{file} can be read by other users (mode {Mode(status.Value)}): run chmod 600 '{file}'");
            }
            else
            {
                yield return new CheckResult("files", CheckStatus.Ok, $"{file} is yours alone");
            }
        }

        var folder = SessionCache.DefaultDirectory(environment);
        var cache = FileStatus.Of(folder);
        yield return cache switch
        {
            null => new CheckResult("files", CheckStatus.Ok, $"no cache folder yet ({folder}); awsmfa makes it yours alone"),
            { Kind: not FileKind.Directory } => new CheckResult("files", CheckStatus.Fail, $"{folder} is not a folder: remove it, awsmfa makes it again"),
            { IsSomeoneElses: true } => new CheckResult("files", CheckStatus.Fail, $"the cache folder {folder} belongs to another user: remove it, awsmfa makes it again"),
            { OthersCanAccess: true } => new CheckResult("files", CheckStatus.Fail, $"other users can reach the cache folder {folder} (mode {Mode(cache.Value)}), so awsmfa does not use it: run chmod 700 '{folder}'"),
            _ => new CheckResult("files", CheckStatus.Ok, $"the cache folder {folder} is yours alone"),
        };
    }

    private static string Mode(FileStatus status) => Convert.ToString((int)status.Mode & 0x1FF, 8).PadLeft(4, '0');

    private IEnumerable<CheckResult> Environment()
    {
        var set = Variables.Where(v => environment.Get(v.Name) is not null).ToList();
        foreach (var (name, overrides) in set)
        {
            yield return new CheckResult("environment", CheckStatus.Warn, $"{name} is set: {overrides}");
        }

        if (set.Count == 0)
        {
            yield return new CheckResult("environment", CheckStatus.Ok, "no AWS variable overrides the profiles");
        }
    }

    private static string Describe(SessionRequest request)
    {
        var roles = request.Roles.Count == 0 ? "" : $", then {string.Join(" -> ", request.Roles.Select(r => r.RoleArn))}";
        var mfa = request.MfaSerial is { } serial ? $"MFA device {serial}" : "no MFA device";
        return $"profile '{(request.ProfileChain.Count > 0 ? request.ProfileChain[0] : request.Profile)}' resolves: root '{request.Profile}' ({request.Root.Description}){roles}; {mfa}";
    }

    private IEnumerable<CheckResult> Durations(SessionRequest request)
    {
        for (var i = 0; i < request.Roles.Count; i++)
        {
            var hop = request.Roles[i];
            if (!hop.FromProfile || profiles.FindSetting(hop.Profile, "duration_seconds") is not { } text
                || !DurationParser.TryParseSeconds(text, out var seconds) || seconds <= AssumeRoleStep.MaxChainedSeconds)
            {
                continue;
            }

            yield return i == 0
                ? new CheckResult("roles", CheckStatus.Warn, $"role profile '{hop.Profile}' asks for {DurationParser.Humanize(TimeSpan.FromSeconds(seconds))}, longer than a chained role may last: each time it is assumed straight from the long-term keys, with a new code")
                : new CheckResult("roles", CheckStatus.Fail, $"role profile '{hop.Profile}' asks for {DurationParser.Humanize(TimeSpan.FromSeconds(seconds))}, but a role assumed with another role's credentials lasts at most 1h: set duration_seconds = 3600 or less");
        }
    }

    private IEnumerable<CheckResult> MfaProcess(SessionRequest request)
    {
        if (request.ProfileChain.Select(name => profiles.FindSetting(name, "mfa_process")).FirstOrDefault(p => !string.IsNullOrWhiteSpace(p)) is not { } command)
        {
            yield break;
        }

        var words = CommandLine.Split(command);
        var program = words.Count > 0 ? words[0] : "";
        var resolved = ProgramPath.Resolve(program, environment.Get("PATH"));
        var runnable = resolved is not null && ProgramPath.IsExecutableFile(resolved);
        yield return runnable
            ? new CheckResult("mfa_process", CheckStatus.Ok, $"mfa_process runs {resolved}")
            : new CheckResult("mfa_process", CheckStatus.Fail, $"mfa_process names {program}, which is not an executable file on PATH or at that path");
    }

    /// <summary>One line per cache entry the profile is served through: its MFA session, then each role of its chain.</summary>
    private IEnumerable<CheckResult> Cache(SessionRequest request, CredentialPipeline pipeline, SessionCache cache)
    {
        var now = clock.GetUtcNow();
        foreach (var step in pipeline.StepIdentities(request))
        {
            if (step.Type == SessionTokenStep.Type.Name && string.IsNullOrEmpty(step.MfaSerial))
            {
                // Temporary credentials from the root go straight to the first role: no MFA session.
                continue;
            }

            var what = step.RoleArn is { } role ? $"role {role}" : "the MFA session";
            var entry = cache.Read(step.CacheKey);
            yield return entry switch
            {
                { } renews when renews.Expiration > now && renews.Expiration - expiryMargin() <= now => new CheckResult("cache", CheckStatus.Ok, $"{what}: cached until {Timestamps.Format(renews.Expiration)} ({DurationParser.Humanize(renews.Expiration - now)} left), inside the {DurationParser.Humanize(expiryMargin())} margin: the next command renews it"),
                { } valid when valid.Expiration > now => new CheckResult("cache", CheckStatus.Ok, $"{what}: cached until {Timestamps.Format(valid.Expiration)} ({DurationParser.Humanize(valid.Expiration - now)} left)"),
                { } expired => new CheckResult("cache", CheckStatus.Ok, $"{what}: expired at {Timestamps.Format(expired.Expiration)}; the next command gets a new one"),
                null => new CheckResult("cache", CheckStatus.Ok, $"{what}: not cached; the next command gets one"),
            };
        }
    }

    private Uri Endpoint(string service, Uri? option, string region)
    {
        if (option is not null)
        {
            return option;
        }

        var named = environment.Get($"AWS_ENDPOINT_URL_{service}") ?? environment.Get("AWS_ENDPOINT_URL");
        return named is not null && InputRules.TryParseEndpoint(named.Trim(), out var endpoint)
            ? endpoint!
            : new Uri($"https://{service.ToLowerInvariant()}.{region}.amazonaws.com/");
    }

    private sealed record Probe(Uri Endpoint, TimeSpan Took, DateTimeOffset? Date, DateTimeOffset At, string? Error);

    /// <summary>One unsigned GET: any answer carries the server's Date; no credentials are sent.</summary>
    private async Task<Probe> ProbeAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = ProbeTimeout }) { Timeout = ProbeTimeout };
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.GetAsync(endpoint, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var took = Stopwatch.GetElapsedTime(started);
            // The server stamped the answer somewhere in the round trip: compare with its middle.
            var at = clock.GetUtcNow() - took / 2;
            return new Probe(endpoint, took, response.Headers.Date, at, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new Probe(endpoint, Stopwatch.GetElapsedTime(started), null, clock.GetUtcNow(), e is TaskCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : Printable.OneLine(e.Message));
        }
    }

    private static CheckResult ClockCheck(Probe sts)
    {
        if (sts.Date is not { } date)
        {
            return new CheckResult("clock", CheckStatus.Warn, $"could not compare this computer's clock with STS's ({sts.Error ?? "no Date in its answer"})");
        }

        var offset = sts.At - date;
        var size = offset.Duration();
        var how = $"{Offset(size)} {(offset > TimeSpan.Zero ? "ahead of" : "behind")} STS's";
        return size > ClockFail
            ? new CheckResult("clock", CheckStatus.Fail, $"this computer's clock is {how}: AWS refuses signed requests more than 5 minutes off and MFA codes drift with it; set it right (timedatectl set-ntp true; on WSL: wsl --shutdown)")
            : size > ClockWarn
                ? new CheckResult("clock", CheckStatus.Warn, $"this computer's clock is {how}: close to the 5 minutes AWS allows; set it right (timedatectl set-ntp true)")
                : new CheckResult("clock", CheckStatus.Ok, $"this computer's clock is within a minute of STS's ({(size.TotalSeconds < 1 ? "under a second" : Offset(size))})");
    }

    /// <summary>To the second (HTTP dates have no finer grain): 45s, 9m59s.</summary>
    private static string Offset(TimeSpan size) =>
        size < TimeSpan.FromMinutes(1) ? $"{(int)size.TotalSeconds}s" : $"{(int)size.TotalMinutes}m{size.Seconds:00}s";

    private static CheckResult Reachability(string service, Probe probe) => probe.Error is null
        ? new CheckResult($"reach {service}", CheckStatus.Ok, $"{service} at {probe.Endpoint.Host} answered over {probe.Endpoint.Scheme.ToUpperInvariant()} in {probe.Took.TotalMilliseconds:0} ms")
        : new CheckResult($"reach {service}", CheckStatus.Fail, $"could not reach {service} at {probe.Endpoint.Host}: {probe.Error}");
}
