using System.Diagnostics;

namespace Awsmfa.Tests.Support;

/// <summary>
/// botocore as the second client of a file awsmfa shares with the AWS tools: a Python script run
/// to the end. It is the pip package the AWS CLI v1 installs here (boto3's); the AWS CLI v2
/// bundles its own copy of the same token code. Where python3 or the botocore a script needs is
/// missing, the test is ignored, saying which.
/// </summary>
internal static class Botocore
{
    /// <param name="environment">Variables for the script (HOME, AWS_CONFIG_FILE, endpoints) on top of the runner's own.</param>
    /// <param name="needs">An import error that means this botocore is too old for the script.</param>
    public static async Task<CliResult> RunAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? needs = null)
    {
        var python = Processes.FindOnPath("python3");
        if (python is null)
        {
            Assert.Ignore("python3 with botocore (as the AWS CLI installs it) is not on PATH");
        }

        var start = new ProcessStartInfo(python!, ["-c", script, .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var result = await Processes.RunAsync(start, stdin: null, TimeSpan.FromMinutes(1), "the botocore script");
        if (result.Stderr.Contains("No module named 'botocore'", StringComparison.Ordinal)
            || (needs is not null && result.Stderr.Contains(needs, StringComparison.Ordinal)))
        {
            Assert.Ignore("botocore is not installed, or too old for this script: " + result.Stderr);
        }

        return result;
    }
}
