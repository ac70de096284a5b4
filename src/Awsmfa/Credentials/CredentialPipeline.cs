using Awsmfa.Aws;

namespace Awsmfa.Credentials;

/// <summary>
/// The one way a command gets credentials: resolve the request (profile, root, region, serial),
/// then serve it through the credential steps, composed root first, each above the root behind
/// its own cache entry: the root's MFA session, then one AssumeRole per role, each signed with
/// the credentials below it. One code serves the MFA session, and the MFA session every role
/// above it, until it expires; the root (keys in a file, a credential_process, …) is asked only
/// on a miss. The AWS target travels with the request, not with the credentials.
/// </summary>
internal sealed class CredentialPipeline(
    SessionRequestResolver resolver,
    CredentialRoots roots,
    IAwsClientFactory clients,
    IProfileStore profiles,
    MfaCodeSource codes,
    Func<SessionCache> cache,
    TimeProvider clock,
    TimeSpan expiryMargin,
    TimeSpan lockTimeout,
    Reporter reporter)
{
    public const string NoRegion = "no region: pass --region, set AWS_REGION, or add region = ... to the profile in ~/.aws/config";

    /// <param name="requireRegion">For regional services: fail before asking for a code when no region is known.</param>
    /// <param name="federation">The request may end in GetFederationToken (no role: no MFA device needed).</param>
    /// <param name="deviceOptional">The command uses the root's own credentials (<see cref="RootCredentialsAsync"/>): no device is needed.</param>
    public SessionRequest Resolve(PipelineOptions options, bool requireRegion = false, bool federation = false, bool deviceOptional = false)
    {
        var request = resolver.Resolve(options, federation, deviceOptional);
        return requireRegion && request.Target.Region is null ? throw AwsmfaException.Usage(NoRegion) : request;
    }

    /// <summary>Where to reach AWS for credentials that come from the environment rather than a profile.</summary>
    public AwsTarget TargetWithoutProfile(PipelineOptions options) => resolver.TargetWithoutProfile(options);

    public async Task<ServedCredentials> GetAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        var served = await Compose(request).Get(cancellationToken).ConfigureAwait(false);
        // A cached answer shorter than --duration asked is served (a code is dear), and said.
        var asked = request.Roles.Count > 0 ? request.Roles[^1].DurationOption : request.DurationSeconds;
        if (served.FromCache && asked is { } seconds && served.Credentials.Expiration - clock.GetUtcNow() is var left && left < TimeSpan.FromSeconds(seconds) - TimeSpan.FromMinutes(1))
        {
            reporter.Info($"the cached credentials have {DurationParser.Humanize(left)} left, less than the {DurationParser.Humanize(TimeSpan.FromSeconds(seconds))} --duration asked for; --refresh gets new ones");
        }

        return served;
    }

    /// <summary>
    /// The root's own credentials, no step above them and nothing cached: for IAM self-service
    /// that must work before the user has an MFA device (<c>mfa list</c>, <c>mfa create</c>).
    /// </summary>
    public Task<RootCredentials> RootCredentialsAsync(SessionRequest request, CancellationToken cancellationToken) =>
        roots.Create(request).GetAsync(cancellationToken);

    /// <summary>What the request would be served as, and so the cache entry that holds it; nothing runs, nothing is asked.</summary>
    public StepIdentity ServedIdentity(SessionRequest request) => Compose(request).Identity;

    /// <summary>Every step's identity, root first: the MFA session, then one per role; nothing runs.</summary>
    public IReadOnlyList<StepIdentity> StepIdentities(SessionRequest request) => Compose(request).Steps;

    /// <summary>The request's steps, root first; the identity and the getter of the top one, and every step's identity.</summary>
    private (StepIdentity Identity, Func<CancellationToken, Task<ServedCredentials>> Get, List<StepIdentity> Steps) Compose(SessionRequest request)
    {
        var root = roots.Create(request);
        var roles = request.Roles;
        // --refresh renews what the command uses: for a role profile the role's credentials,
        // which needs no code while the MFA session lasts. --no-cache applies to every step.
        var below = request.Cache == CacheMode.Off ? CacheMode.Off : CacheMode.Normal;
        // The first step is the root's kind's: an MFA session from keys, or its own (a web identity's role).
        ICredentialStep top = request.Root.FirstStep(root, request, Services, passTemporaryOn: roles.Count > 0);
        var steps = new List<StepIdentity> { top.Identity };
        Func<CancellationToken, Task<ServedCredentials>> source = Cached(top, roles.Count > 0 ? below : request.Cache).GetAsync;
        for (var i = 0; i < roles.Count; i++)
        {
            top = new AssumeRoleStep(roles[i], roles.Take(i).ToList(), request, root, source, clients, profiles, codes, clock, reporter);
            steps.Add(top.Identity);
            source = Cached(top, i == roles.Count - 1 ? request.Cache : below).GetAsync;
        }

        return (top.Identity, source, steps);
    }

    /// <summary>
    /// A step a command builds over the request's root (the console's GetFederationToken), served
    /// behind its own cache entry like every other: <paramref name="step"/> gets the root and the
    /// services, and nothing else is needed to add one.
    /// </summary>
    public Task<ServedCredentials> GetAsync(SessionRequest request, Func<ICredentialRoot, StepServices, ICredentialStep> step, CancellationToken cancellationToken) =>
        Cached(step(roots.Create(request), Services), request.Cache).GetAsync(cancellationToken);

    private StepServices Services => new(clients, profiles, codes, clock, reporter) { Lock = (key, token) => cache().LockAsync(key, lockTimeout, token), SsoSignIn = SsoSignIn };

    /// <summary>The sign-in a step may run when an IAM Identity Center session has ended (none in tests that do not give one).</summary>
    public SsoSignIn? SsoSignIn { get; init; }

    private CachedStep Cached(ICredentialStep step, CacheMode mode) =>
        new(step, cache(), mode, clock, expiryMargin, lockTimeout, reporter);
}

/// <summary>What roots need beyond their spec: the runner of a credential_process, the keyring. A root's spec makes the root.</summary>
internal sealed class CredentialRoots(Func<ProcessRootSpec, SessionRequest, CredentialProcessRoot> process, Func<KeyringRootSpec, KeyringRoot> keyring)
{
    public ICredentialRoot Create(SessionRequest request) => request.Root.Create(this, request);

    public CredentialProcessRoot Process(ProcessRootSpec spec, SessionRequest request) => process(spec, request);

    public KeyringRoot Keyring(KeyringRootSpec spec) => keyring(spec);
}
