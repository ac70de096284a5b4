using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Moq;

namespace Awsmfa.Tests.Support;

/// <summary>
/// A Moq'd EC2 that behaves like the real one where awsmfa depends on it: filters, pages by
/// MaxResults/NextToken, refuses a whole TerminateInstances call when one instance is protected,
/// answers DryRun with DryRunOperation, moves shutting-down instances to terminated on the next look.
/// </summary>
internal sealed class FakeFleet
{
    private readonly List<FakeInstance> _instances = [];

    public FakeFleet(Mock<IAmazonEC2> ec2)
    {
        ec2.As<IDisposable>();
        ec2.Setup(e => e.DescribeInstancesAsync(It.IsAny<DescribeInstancesRequest>(), It.IsAny<CancellationToken>()))
            .Returns((DescribeInstancesRequest request, CancellationToken _) => Task.FromResult(Describe(request)));
        ec2.Setup(e => e.TerminateInstancesAsync(It.IsAny<TerminateInstancesRequest>(), It.IsAny<CancellationToken>()))
            .Returns((TerminateInstancesRequest request, CancellationToken _) => Terminate(request));
        ec2.Setup(e => e.StopInstancesAsync(It.IsAny<StopInstancesRequest>(), It.IsAny<CancellationToken>()))
            .Returns((StopInstancesRequest request, CancellationToken _) => Change(request.InstanceIds, request.DryRun, "stopping", "stopped", request, r => new StopInstancesResponse { StoppingInstances = r }));
        ec2.Setup(e => e.StartInstancesAsync(It.IsAny<StartInstancesRequest>(), It.IsAny<CancellationToken>()))
            .Returns((StartInstancesRequest request, CancellationToken _) => Change(request.InstanceIds, request.DryRun, "pending", "running", request, r => new StartInstancesResponse { StartingInstances = r }));
        ec2.Setup(e => e.RebootInstancesAsync(It.IsAny<RebootInstancesRequest>(), It.IsAny<CancellationToken>()))
            .Returns((RebootInstancesRequest request, CancellationToken _) => Change(request.InstanceIds, request.DryRun, null, null, request, _ => new RebootInstancesResponse()));
        ec2.Setup(e => e.DescribeRegionsAsync(It.IsAny<DescribeRegionsRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new DescribeRegionsResponse { Regions = [.. Regions.Select(r => new Region { RegionName = r })] });
    }

    public List<DescribeInstancesRequest> DescribeRequests { get; } = [];

    /// <summary>NextToken of each describe as it was sent (awsmfa reuses the request object between pages).</summary>
    public List<string?> DescribeTokens { get; } = [];

    public List<TerminateInstancesRequest> TerminateRequests { get; } = [];

    /// <summary>Stop, start and reboot requests, in order.</summary>
    public List<object> ActionRequests { get; } = [];

    /// <summary>What DescribeRegions answers.</summary>
    public List<string> Regions { get; } = ["eu-west-1", "us-east-1"];

    /// <summary>
    /// Stop and start as EC2 does them: the instance passes through <paramref name="transient"/>
    /// (seen for <see cref="ShutdownLooks"/> describes) to <paramref name="final"/>; reboot changes nothing.
    /// </summary>
    private Task<TResponse> Change<TResponse>(List<string> ids, bool? dryRun, string? transient, string? final, object request, Func<List<InstanceStateChange>, TResponse> response)
    {
        ActionRequests.Add(request);
        if (Unauthorized)
        {
            return Task.FromException<TResponse>(Error("UnauthorizedOperation", "You are not authorized to perform this operation.", HttpStatusCode.Forbidden));
        }

        if (dryRun == true)
        {
            return Task.FromException<TResponse>(Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", HttpStatusCode.PreconditionFailed));
        }

        var targets = _instances.Where(i => ids.Contains(i.Id)).ToList();
        if (transient is not null && targets.FirstOrDefault(i => i.State == "terminated") is { } gone)
        {
            return Task.FromException<TResponse>(Error("IncorrectInstanceState", $"The instance '{gone.Id}' is not in a state from which it can be changed.", HttpStatusCode.BadRequest));
        }

        var changes = new List<InstanceStateChange>();
        foreach (var instance in targets)
        {
            var previous = instance.State;
            if (transient is not null)
            {
                instance.State = transient;
                instance.LooksLeft = ShutdownLooks;
                instance.Final = final;
            }

            changes.Add(new InstanceStateChange
            {
                InstanceId = instance.Id,
                PreviousState = new InstanceState { Name = previous },
                CurrentState = new InstanceState { Name = instance.State },
            });
        }

        return Task.FromResult(response(changes));
    }

    /// <summary>When set, TerminateInstances (dry run or not) fails with UnauthorizedOperation, as under an MFA-only policy.</summary>
    public bool Unauthorized { get; set; }

    /// <summary>How many describes an instance stays shutting-down before it is terminated.</summary>
    public int ShutdownLooks { get; set; } = 1;

    public FakeInstance Add(string id, string state = "running", string? name = null, bool protectedFromTermination = false)
    {
        var instance = new FakeInstance(id, state, name, protectedFromTermination);
        _instances.Add(instance);
        return instance;
    }

    public string StateOf(string id) => _instances.Single(i => i.Id == id).State;

    /// <summary>When set, describes after this many fail with HTTP 500 (a later page of a listing).</summary>
    public int? FailAfterDescribes { get; set; }

    /// <summary>Overrides what EC2 says an instance's id or state is, as a hostile endpoint would.</summary>
    public Func<Instance, Instance>? Tamper { get; set; }

    private DescribeInstancesResponse Describe(DescribeInstancesRequest request)
    {
        if (DescribeRequests.Count >= FailAfterDescribes)
        {
            throw Error("InternalError", "An internal error has occurred", HttpStatusCode.InternalServerError);
        }

        DescribeRequests.Add(request);
        DescribeTokens.Add(request.NextToken);
        var selected = _instances.Where(i => Matches(i, request)).ToList();
        foreach (var instance in selected.Where(i => i.State is "shutting-down" or "stopping" or "pending"))
        {
            if (--instance.LooksLeft <= 0)
            {
                instance.State = instance.State == "shutting-down" ? "terminated" : instance.Final ?? instance.State;
            }
        }

        var start = request.NextToken is { } token ? int.Parse(token, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var size = request.MaxResults ?? int.MaxValue;
        var page = selected.Skip(start).Take(size).ToList();
        var next = start + page.Count < selected.Count ? (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

        // EC2 groups instances in reservations; two per reservation exercises the nesting.
        return new DescribeInstancesResponse
        {
            Reservations = page.Chunk(2).Select(chunk => new Reservation { Instances = chunk.Select(ToInstance).Select(i => Tamper?.Invoke(i) ?? i).ToList() }).ToList(),
            NextToken = next,
        };
    }

    private static bool Matches(FakeInstance instance, DescribeInstancesRequest request)
    {
        if (request.InstanceIds is { Count: > 0 } ids && !ids.Contains(instance.Id))
        {
            return false;
        }

        foreach (var filter in request.Filters ?? [])
        {
            var ok = filter.Name switch
            {
                "instance-id" => filter.Values.Contains(instance.Id),
                "instance-state-name" => filter.Values.Contains(instance.State),
                "tag:Name" => instance.Name is not null && filter.Values.Contains(instance.Name),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private Task<TerminateInstancesResponse> Terminate(TerminateInstancesRequest request)
    {
        TerminateRequests.Add(request);
        if (Unauthorized)
        {
            return Task.FromException<TerminateInstancesResponse>(Error("UnauthorizedOperation", "You are not authorized to perform this operation.", HttpStatusCode.Forbidden));
        }

        if (request.DryRun == true)
        {
            return Task.FromException<TerminateInstancesResponse>(Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", HttpStatusCode.PreconditionFailed));
        }

        var targets = _instances.Where(i => request.InstanceIds.Contains(i.Id)).ToList();
        if (targets.FirstOrDefault(i => i.Protected) is { } guarded)
        {
            return Task.FromException<TerminateInstancesResponse>(Error(
                "OperationNotPermitted", $"The instance '{guarded.Id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.", HttpStatusCode.BadRequest));
        }

        var changes = new List<InstanceStateChange>();
        foreach (var instance in targets)
        {
            var previous = instance.State;
            if (instance.State != "terminated")
            {
                instance.State = "shutting-down";
                instance.LooksLeft = ShutdownLooks;
            }

            changes.Add(new InstanceStateChange
            {
                InstanceId = instance.Id,
                PreviousState = new InstanceState { Name = previous },
                CurrentState = new InstanceState { Name = instance.State },
            });
        }

        return Task.FromResult(new TerminateInstancesResponse { TerminatingInstances = changes });
    }

    private static Instance ToInstance(FakeInstance fake) => new()
    {
        InstanceId = fake.Id,
        State = new InstanceState { Name = fake.State },
        InstanceType = "t3.micro",
        Placement = new Placement { AvailabilityZone = "us-east-1a" },
        PrivateIpAddress = "10.0.0.1",
        PublicIpAddress = fake.State == "running" ? "54.0.0.1" : null,
        LaunchTime = new DateTime(2026, 11, 1, 8, 30, 0, DateTimeKind.Utc),
        Tags = fake.Name is null ? null : [new Tag { Key = "Name", Value = fake.Name }, new Tag { Key = "env", Value = "ci" }],
    };

    public static AmazonEC2Exception Error(string code, string message, HttpStatusCode status) =>
        new(message, Amazon.Runtime.ErrorType.Sender, code, "req-ec2", status);
}

internal sealed class FakeInstance(string id, string state, string? name, bool protectedFromTermination)
{
    public string Id { get; } = id;

    public string State { get; set; } = state;

    public string? Name { get; } = name;

    public bool Protected { get; } = protectedFromTermination;

    public int LooksLeft { get; set; }

    /// <summary>Where a stopping or pending instance ends up.</summary>
    public string? Final { get; set; }
}
