using Amazon.EC2;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Moq;

namespace Awsmfa.Tests.Support;

/// <summary>Hands out Moq'd AWS clients and records how they were asked for.</summary>
internal sealed class FakeAwsClientFactory : IAwsClientFactory
{
    private int _stsCalls;

    public FakeAwsClientFactory()
    {
        Sts.As<IDisposable>();
        RespondWithNewSessions();
        RespondWithNewRoles();
    }

    private int _roleCalls;

    /// <summary>AssumeRole calls, and which credentials signed each (the long-term key id, or a session's key id).</summary>
    public List<(AssumeRoleRequest Request, string SignedBy)> RoleRequests { get; } = [];

    public int RoleCalls => Volatile.Read(ref _roleCalls);

    /// <summary>Each AssumeRole returns distinct credentials for the duration asked; an MFA code is accepted once.</summary>
    public void RespondWithNewRoles()
    {
        var usedCodes = new HashSet<string>();
        Sts.Setup(s => s.AssumeRoleAsync(It.IsAny<AssumeRoleRequest>(), It.IsAny<CancellationToken>()))
            .Returns((AssumeRoleRequest request, CancellationToken _) =>
            {
                var n = Interlocked.Increment(ref _roleCalls);
                lock (RoleRequests)
                {
                    RoleRequests.Add((request, _lastSigner ?? "?"));
                    if (request.TokenCode is { } code && !usedCodes.Add(code) && !AllowCodeReuse)
                    {
                        return Task.FromException<AssumeRoleResponse>(StsErrors.InvalidCode());
                    }
                }

                var seconds = request.DurationSeconds ?? 3600;
                return Task.FromResult(new AssumeRoleResponse
                {
                    Credentials = new Amazon.SecurityToken.Model.Credentials
                    {
                        AccessKeyId = $"ASIAROLE{n:D12}",
                        SecretAccessKey = $"RoleSecretPart{n:D6}",
                        SessionToken = $"RoleTokenPart{n}",
                        Expiration = (Now?.Invoke() ?? DateTime.UtcNow).AddSeconds(seconds),
                    },
                });
            });
    }

    public void RespondToAssumeRoleWith(Exception error) =>
        Sts.Setup(s => s.AssumeRoleAsync(It.IsAny<AssumeRoleRequest>(), It.IsAny<CancellationToken>()))
            .Returns((AssumeRoleRequest request, CancellationToken _) =>
            {
                Interlocked.Increment(ref _roleCalls);
                return Task.FromException<AssumeRoleResponse>(error);
            });

    private string? _lastSigner;

    public Mock<IAmazonSecurityTokenService> Sts { get; } = new();

    public Mock<IAmazonEC2> Ec2 { get; } = new();

    public List<(LongTermCredentials Credentials, AwsTarget Target)> StsClients { get; } = [];

    public List<(SessionCredentials Credentials, AwsTarget Target)> Ec2Clients { get; } = [];

    public List<GetSessionTokenRequest> StsRequests { get; } = [];

    public int StsCalls => Volatile.Read(ref _stsCalls);

    /// <summary>How long STS takes to answer, to widen race windows.</summary>
    public TimeSpan StsLatency { get; set; } = TimeSpan.Zero;

    /// <summary>Accept a code more than once (for tests that run many times with one code).</summary>
    public bool AllowCodeReuse { get; set; }

    /// <summary>Codes STS rejects as wrong (RespondWithNewSessions).</summary>
    public HashSet<string> WrongCodes { get; } = new(StringComparer.Ordinal);

    /// <summary>The test's clock, so that sessions end when STS would end them.</summary>
    public Func<DateTime>? Now { get; set; }

    public DateTime NextExpiration { get; set; } = new(2026, 11, 28, 13, 0, 0, DateTimeKind.Utc);

    public IAmazonSecurityTokenService CreateSts(LongTermCredentials credentials, AwsTarget target)
    {
        lock (StsClients)
        {
            StsClients.Add((credentials, target));
            _lastSigner = credentials.AccessKeyId;
        }

        return Sts.Object;
    }

    public List<(SessionCredentials Credentials, AwsTarget Target)> RoleStsClients { get; } = [];

    /// <summary>Unsigned STS clients asked for (AssumeRoleWithWebIdentity).</summary>
    public List<AwsTarget> AnonymousStsClients { get; } = [];

    /// <summary>Identity Center is served by the stand-in of the process tests, not in process.</summary>
    public Amazon.SSO.IAmazonSSO CreateSso(AwsTarget target) => throw new NotSupportedException("Identity Center has no in-process fake");

    public Amazon.SSOOIDC.IAmazonSSOOIDC CreateSsoOidc(AwsTarget target) => throw new NotSupportedException("Identity Center has no in-process fake");

    public IAmazonSecurityTokenService CreateAnonymousSts(AwsTarget target)
    {
        lock (AnonymousStsClients)
        {
            AnonymousStsClients.Add(target);
        }

        return Sts.Object;
    }

    public IAmazonSecurityTokenService CreateSts(SessionCredentials credentials, AwsTarget target)
    {
        lock (RoleStsClients)
        {
            RoleStsClients.Add((credentials, target));
        }

        lock (StsClients)
        {
            _lastSigner = credentials.AccessKeyId;
        }

        return Sts.Object;
    }

    /// <summary>EC2 of other regions, for commands that span several; any other region is <see cref="Ec2"/>.</summary>
    public Dictionary<string, Mock<IAmazonEC2>> Ec2ByRegion { get; } = new(StringComparer.Ordinal);

    public IAmazonEC2 CreateEc2(SessionCredentials credentials, AwsTarget target)
    {
        lock (Ec2Clients)
        {
            Ec2Clients.Add((credentials, target));
        }

        return target.Region is { } region && Ec2ByRegion.TryGetValue(region, out var regional) ? regional.Object : Ec2.Object;
    }

    /// <summary>Each call returns a distinct session; a code is accepted once, as STS does.</summary>
    public void RespondWithNewSessions()
    {
        var usedCodes = new HashSet<string>();
        Sts.Setup(s => s.GetSessionTokenAsync(It.IsAny<GetSessionTokenRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async (GetSessionTokenRequest request, CancellationToken token) =>
            {
                var n = Interlocked.Increment(ref _stsCalls);
                lock (StsRequests)
                {
                    StsRequests.Add(request);
                }

                if (StsLatency > TimeSpan.Zero)
                {
                    await Task.Delay(StsLatency, token);
                }

                lock (usedCodes)
                {
                    if (WrongCodes.Contains(request.TokenCode) || (!usedCodes.Add(request.TokenCode) && !AllowCodeReuse))
                    {
                        throw StsErrors.InvalidCode();
                    }
                }

                return new GetSessionTokenResponse
                {
                    Credentials = new Amazon.SecurityToken.Model.Credentials
                    {
                        AccessKeyId = $"ASIASESSION{n:D9}",
                        SecretAccessKey = $"SessionSecretPart{n}",
                        SessionToken = $"SessionTokenPart{n}",
                        // What STS does: the session lasts as long as asked, at most until NextExpiration here.
                        Expiration = request.DurationSeconds is { } seconds && Now is { } now && now().AddSeconds(seconds) < NextExpiration
                            ? now().AddSeconds(seconds)
                            : NextExpiration,
                    },
                };
            });
    }

    public void RespondWith(Exception error)
    {
        Sts.Setup(s => s.GetSessionTokenAsync(It.IsAny<GetSessionTokenRequest>(), It.IsAny<CancellationToken>()))
            .Returns((GetSessionTokenRequest request, CancellationToken _) =>
            {
                Interlocked.Increment(ref _stsCalls);
                lock (StsRequests)
                {
                    StsRequests.Add(request);
                }

                return Task.FromException<GetSessionTokenResponse>(error);
            });
    }
}
