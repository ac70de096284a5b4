using System.CommandLine;

namespace Awsmfa.Cli.Ec2;

/// <summary><c>awsmfa ec2 list | stop | start | reboot | terminate</c>: EC2 work signed with the MFA session.</summary>
internal static class Ec2Commands
{
    public static Command Create(Credentials.IProfileStore profiles, ListInstancesHandler list, InstanceActionHandler actions)
    {
        var ec2 = new Command("ec2", "List, stop, start, reboot and terminate EC2 instances, in one region or many, with the MFA session (asks for a code only when no cached session can serve).");
        ec2.Subcommands.Add(new ListInstancesDefinition(profiles).Build(list));
        foreach (var verb in new[] { InstanceActionDefinition.Stop(profiles), InstanceActionDefinition.Start(profiles), InstanceActionDefinition.Reboot(profiles), InstanceActionDefinition.Terminate(profiles) })
        {
            ec2.Subcommands.Add(verb.Build(actions));
        }

        return ec2;
    }
}
