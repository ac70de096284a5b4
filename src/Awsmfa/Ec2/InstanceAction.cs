using Amazon.EC2;
using Amazon.EC2.Model;
using Awsmfa.Aws;

namespace Awsmfa.Ec2;

/// <summary>
/// What differs between terminate, stop, start and reboot; <see cref="InstanceActionEngine"/> does
/// the rest (ids, regions, describe, confirmation, dry run, batch with per-instance fallback,
/// output, waiting) the same way for all of them.
/// </summary>
/// <param name="Verb">As in "Terminate 2 instance(s)?" and "nothing was terminated": terminate, stop, start, reboot.</param>
/// <param name="Past">terminated, stopped, started, rebooted.</param>
/// <param name="TargetState">The state --wait waits for, or null when there is none (reboot).</param>
/// <param name="AlreadyDone">States in which there is nothing to do: the instance is left out and said on stderr.</param>
/// <param name="PerInstanceErrors">Codes with which EC2 fails a whole call for one instance; the others are then tried one by one.</param>
/// <param name="CallAsync">The API call for some instances (DryRun when asked); the state changes it reports, if any.</param>
internal sealed record InstanceAction(
    string Verb,
    string Past,
    string? TargetState,
    IReadOnlySet<string> AlreadyDone,
    IReadOnlySet<string> PerInstanceErrors,
    Func<IAmazonEC2, List<string>, bool, CancellationToken, Task<List<InstanceStateChange>?>> CallAsync)
{
    private static readonly HashSet<string> CommonErrors = new(StringComparer.Ordinal) { "UnauthorizedOperation", "IncorrectInstanceState" };

    public static readonly InstanceAction Terminate = new(
        "terminate",
        "terminated",
        "terminated",
        new HashSet<string>(StringComparer.Ordinal) { "terminated" },
        new HashSet<string>(CommonErrors, StringComparer.Ordinal) { "OperationNotPermitted" },
        async (ec2, ids, dryRun, token) => (await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = ids, DryRun = dryRun }, token).ConfigureAwait(false))?.TerminatingInstances);

    public static InstanceAction Stop(bool force, bool hibernate) => new(
        "stop",
        "stopped",
        "stopped",
        new HashSet<string>(StringComparer.Ordinal) { "stopped", "stopping" },
        new HashSet<string>(CommonErrors, StringComparer.Ordinal) { "OperationNotPermitted", "UnsupportedOperation", "UnsupportedHibernationConfiguration" },
        async (ec2, ids, dryRun, token) => (await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = ids, DryRun = dryRun, Force = force, Hibernate = hibernate }, token).ConfigureAwait(false))?.StoppingInstances);

    public static readonly InstanceAction Start = new(
        "start",
        "started",
        "running",
        new HashSet<string>(StringComparer.Ordinal) { "running", "pending" },
        new HashSet<string>(CommonErrors, StringComparer.Ordinal) { "InsufficientInstanceCapacity", "UnsupportedOperation" },
        async (ec2, ids, dryRun, token) => (await ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = ids, DryRun = dryRun }, token).ConfigureAwait(false))?.StartingInstances);

    public static readonly InstanceAction Reboot = new(
        "reboot",
        "rebooted",
        null,
        new HashSet<string>(StringComparer.Ordinal),
        new HashSet<string>(CommonErrors, StringComparer.Ordinal),
        async (ec2, ids, dryRun, token) =>
        {
            // RebootInstances reports no state changes: the instances stay running.
            await ec2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = ids, DryRun = dryRun }, token).ConfigureAwait(false);
            return null;
        });

    /// <summary>"terminating" for the --yes list.</summary>
    public string Gerund => Verb.EndsWith('e') ? Verb[..^1] + "ing" : Verb == "stop" ? "stopping" : Verb + "ing";

    /// <summary>One line a person can act on, for an instance EC2 refused.</summary>
    public string Reason(string code, string? message, string id) => code switch
    {
        "OperationNotPermitted" when Verb == "stop" => $"stop protection is on (OperationNotPermitted); turn it off with: aws ec2 modify-instance-attribute --no-disable-api-stop --instance-id {id}",
        "OperationNotPermitted" => $"termination protection is on (OperationNotPermitted); turn it off with: aws ec2 modify-instance-attribute --no-disable-api-termination --instance-id {id}",
        "UnauthorizedOperation" => $"not authorized (UnauthorizedOperation); {Ec2Errors.MfaPolicyHint}",
        _ => $"{AwsErrors.OneLine(code)}: {AwsErrors.OneLine(message)}",
    };
}
