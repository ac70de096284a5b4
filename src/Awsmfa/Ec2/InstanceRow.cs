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
    public static InstanceRow From(Instance instance)
    {
        var tags = (instance.Tags ?? [])
            .Where(t => t.Key is not null)
            .Select(t => new KeyValuePair<string, string>(t.Key, t.Value ?? string.Empty))
            .ToList();
        return new InstanceRow(
            instance.InstanceId ?? "?",
            tags.FirstOrDefault(t => t.Key == "Name").Value,
            instance.State?.Name?.Value ?? "unknown",
            instance.InstanceType?.Value,
            instance.Placement?.AvailabilityZone,
            instance.PrivateIpAddress,
            instance.PublicIpAddress,
            instance.LaunchTime is { } launched
                ? new DateTimeOffset(DateTime.SpecifyKind(launched.ToUniversalTime(), DateTimeKind.Utc))
                : null,
            tags);
    }
}
