using System.CommandLine;
using Awsmfa.Credentials;

namespace Awsmfa.Cli.Eks;

/// <summary><c>awsmfa eks token</c> and <c>awsmfa eks update-kubeconfig</c>: kubectl on the MFA session.</summary>
internal static class EksCommands
{
    public static Command Create(IProfileStore profiles, EksTokenHandler token, UpdateKubeconfigHandler update)
    {
        var eks = new Command("eks", "kubectl on the MFA session: EKS tokens from the cached session (no code, no network call), and kubeconfig entries that use them.");
        eks.Subcommands.Add(new EksTokenDefinition(profiles).Build(token));
        eks.Subcommands.Add(new UpdateKubeconfigDefinition(profiles).Build(update));
        return eks;
    }
}
