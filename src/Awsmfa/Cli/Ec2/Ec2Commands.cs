using System.CommandLine;

namespace Awsmfa.Cli.Ec2;

/// <summary><c>awsmfa ec2 list | stop | start | reboot | terminate</c>: EC2 work signed with the MFA session.</summary>
internal static class Ec2Commands
{
    public static Command Create(AppServices services)
    {
        var ec2 = new Command("ec2", "List, stop, start, reboot and terminate EC2 instances, in one region or many, with the MFA session (asks for a code only when no cached session can serve).");
        ec2.Subcommands.Add(ListInstancesCommand.Create(services));
        ec2.Subcommands.Add(InstanceActionCommand.Stop(services));
        ec2.Subcommands.Add(InstanceActionCommand.Start(services));
        ec2.Subcommands.Add(InstanceActionCommand.Reboot(services));
        ec2.Subcommands.Add(InstanceActionCommand.Terminate(services));
        return ec2;
    }
}
