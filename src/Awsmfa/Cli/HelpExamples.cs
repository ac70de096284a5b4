using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Awsmfa.Cli;

/// <summary>Adds an "Examples:" section to the help of the commands that have examples.</summary>
internal static class HelpExamples
{
    private static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["awsmfa"] =
        [
            "eval \"$(awsmfa session get)\"               # MFA session into this shell",
            "awsmfa session get -o credential-process   # for credential_process in ~/.aws/config",
            "awsmfa session list                        # what is cached, and until when",
        ],
        ["awsmfa session get"] =
        [
            "eval \"$(awsmfa session get --profile work)\"",
            "awsmfa session get --token-code 123456 -o json",
            "echo 123456 | awsmfa session get --token-code - -o dotenv >> \"$GITHUB_ENV\"",
            "awsmfa session get --duration 12h --refresh",
            "eval \"$(awsmfa session get --profile prod)\"      # a role profile: one code for every role",
        ],
        ["awsmfa ec2 list"] =
        [
            "awsmfa ec2 list",
            "awsmfa ec2 list --state running --tag env=ci -o text",
            "awsmfa ec2 list --filter Name=instance-type,Values=t3.micro,t3.small -o json",
            "awsmfa ec2 list --all-regions --state running",
            "awsmfa ec2 list --region us-east-1,eu-west-1 -o text",
        ],
        ["awsmfa ec2 stop"] =
        [
            "awsmfa ec2 stop i-0123456789abcdef0 --wait",
            "awsmfa ec2 list -o ids --tag env=dev --all-regions | awsmfa ec2 stop - --all-regions --yes",
        ],
        ["awsmfa ec2 start"] = ["awsmfa ec2 start i-0123456789abcdef0 --wait", "awsmfa ec2 start i-0123456789abcdef0 --region eu-west-1 --dry-run"],
        ["awsmfa ec2 reboot"] = ["awsmfa ec2 reboot i-0123456789abcdef0", "awsmfa ec2 reboot i-0123456789abcdef0 --dry-run"],
        ["awsmfa ec2 terminate"] =
        [
            "awsmfa ec2 terminate i-0123456789abcdef0",
            "awsmfa ec2 terminate i-0123456789abcdef0 --dry-run",
            "awsmfa ec2 list -o ids --tag env=ci | awsmfa ec2 terminate - --yes --wait",
        ],
        ["awsmfa exec"] =
        [
            "awsmfa exec -- aws s3 ls",
            "awsmfa exec --profile work -- terraform apply",
            "awsmfa exec --server --profile prod -- terraform apply   # fresh credentials for hours",
        ],
        ["awsmfa console"] =
        [
            "awsmfa console --profile prod                  # the role's console, from the cached MFA session",
            "awsmfa console --profile prod --service ec2 --region eu-west-1",
            "awsmfa console --profile prod --path /s3/buckets",
            "awsmfa console --profile prod --stdout         # print the sign-in URL (remote shells)",
        ],
        ["awsmfa eks update-kubeconfig"] =
        [
            "awsmfa eks update-kubeconfig --cluster-name prod --profile prod --region eu-west-1",
            "awsmfa eks update-kubeconfig --cluster-name staging --role-arn arn:aws:iam::210987654321:role/eks-admin --alias staging",
        ],
        ["awsmfa eks token"] = ["awsmfa eks token --cluster-name prod --profile prod --region eu-west-1"],
        ["awsmfa keys"] =
        [
            "awsmfa keys import --profile default         # move the keys out of ~/.aws/credentials",
            "awsmfa keys list",
            "awsmfa keys rotate --profile default",
        ],
        ["awsmfa keys add"] =
        [
            "awsmfa keys add --profile prod               # asks for the key id, then the secret",
            "printf '%s\\n%s\\n' \"$ID\" \"$SECRET\" | awsmfa keys add --profile ci --stdin",
            "awsmfa keys add --profile prod --from-env --yes",
        ],
        ["awsmfa keys rotate"] = ["awsmfa keys rotate --profile prod", "awsmfa keys rotate --profile prod -t 123456"],
        ["awsmfa doctor"] = ["awsmfa doctor", "awsmfa doctor --profile prod", "awsmfa doctor --profile prod -o json"],
        ["awsmfa whoami"] = ["awsmfa whoami --profile prod", "awsmfa whoami --profile prod -o json"],
        ["awsmfa profile list"] = ["awsmfa profile list", "awsmfa profile list -o json"],
        ["awsmfa completion"] =
        [
            "eval \"$(awsmfa completion bash)\"          # in ~/.bashrc",
            "eval \"$(awsmfa completion zsh)\"           # in ~/.zshrc, after compinit",
            "awsmfa completion fish > ~/.config/fish/completions/awsmfa.fish",
            "awsmfa completion powershell | Out-String | Invoke-Expression",
        ],
        ["awsmfa session list"] = ["awsmfa session list", "awsmfa session list -o json"],
        ["awsmfa session clear"] = ["awsmfa session clear", "awsmfa session clear --profile work"],
    };

    /// <summary>The examples of a command (<c>awsmfa ec2 stop</c>), without their comments.</summary>
    public static IEnumerable<string> For(string commandPath) =>
        Examples.TryGetValue(commandPath, out var lines) ? lines.Select(l => l.Split("  #")[0].TrimEnd()) : [];

    /// <summary>
    /// --help (-h) on every command, as System.CommandLine's own shows it, with the command's
    /// examples after; without the Windows-style spellings (/?, /h, -?) that completion would
    /// offer on every shell.
    /// </summary>
    public static Option<bool> CreateHelpOption() => new("--help", "-h")
    {
        Description = "Show help and usage information",
        Recursive = true,
        Arity = ArgumentArity.Zero,
        Action = new ExamplesHelpAction(new HelpAction()),
    };

    private sealed class ExamplesHelpAction(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = inner.Invoke(parseResult);
            if (Examples.TryGetValue(CommandPath(parseResult), out var lines))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var line in lines)
                {
                    output.WriteLine("  " + line);
                }

                output.WriteLine();
            }

            return result;
        }
    }

    /// <summary>The invoked command as typed, e.g. <c>awsmfa session get</c>.</summary>
    public static string CommandPath(ParseResult parseResult)
    {
        var names = new Stack<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(result.Parent is null ? "awsmfa" : result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
