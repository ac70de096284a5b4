using System.CommandLine;

namespace Awsmfa.Cli.Ec2;

/// <summary><c>awsmfa ec2 list | terminate</c>: EC2 work signed with the MFA session.</summary>
internal static class Ec2Commands
{
    public static Command Create(AppServices services)
    {
        var ec2 = new Command("ec2", "List and terminate EC2 instances with the MFA session (asks for a code only when no cached session can serve).");
        ec2.Subcommands.Add(ListInstancesCommand.Create(services));
        ec2.Subcommands.Add(TerminateInstancesCommand.Create(services));
        return ec2;
    }
}
