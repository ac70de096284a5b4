using Amazon.EC2.Model;

namespace Awsmfa.Ec2;

/// <summary>What awsmfa shows of one instance. The SDK leaves absent collections and values null.</summary>
internal sealed record InstanceRow(
    string InstanceId,
    string? Name,
    string State,
    string? InstanceType,
    string? AvailabilityZone,
    string? PrivateIpAddress,
    string? PublicIpAddress,
    DateTimeOffset? LaunchTime,
    IReadOnlyList<KeyValuePair<string, string>> Tags)
{
    /// <summary>The region, when a command spans several; null otherwise.</summary>
    public string? Region { get; init; }

    /// <summary>The row, or an exit-1 error when EC2 answered an instance id that is not one (it would print as two rows or two ids).</summary>
    public static InstanceRow From(Instance instance, string? region = null)
    {
        if (instance.InstanceId is not { } id || !Ec2Rules.IsInstanceId(id))
        {
            throw new AwsmfaException(ExitCodes.AwsError, "EC2 answered with an instance id that is not one; is the endpoint right?");
        }

        var tags = (instance.Tags ?? [])
            .Where(t => t.Key is not null)
            .Select(t => new KeyValuePair<string, string>(t.Key, t.Value ?? string.Empty))
            .ToList();
        return new InstanceRow(
            id,
            tags.FirstOrDefault(t => t.Key == "Name").Value,
            Output.Printable.Clean(instance.State?.Name?.Value) is { Length: > 0 } state ? state : "unknown",
            instance.InstanceType?.Value,
            instance.Placement?.AvailabilityZone,
            instance.PrivateIpAddress,
            instance.PublicIpAddress,
            instance.LaunchTime is { } launched
                ? new DateTimeOffset(DateTime.SpecifyKind(launched.ToUniversalTime(), DateTimeKind.Utc))
                : null,
            tags)
        {
            Region = region,
        };
    }
}
