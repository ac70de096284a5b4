using System.CommandLine;
using Awsmfa.Credentials;
using Awsmfa.Platform;
using Awsmfa.SignIn;

namespace Awsmfa.Cli;

/// <summary>What <c>console</c> was asked: whose credentials, where the console opens, and whether to print instead of open.</summary>
internal sealed record ConsoleOptions(PipelineOptions Pipeline, string? Service, string? Path, bool Stdout);

/// <summary><c>awsmfa console</c>: the AWS console for a profile, signed in with the same MFA session.</summary>
internal static class ConsoleCommand
{
    public static Command Create(IProfileStore profiles, ConsoleHandler handler)
    {
        var pipeline = new PipelineOptionDefinitions(profiles);
        // A console session lasts at most 12h, whoever signs in; the defaults differ by kind.
        pipeline.Duration.Description = "Console session length: seconds, or 15m, 1h, 12h; 900 to 43200 s [default: for a role profile, its duration_seconds, else 1h; for an IAM user's federation session, 12h].";
        pipeline.Duration.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is > ConsoleHandler.MaxConsoleSeconds)
            {
                result.AddError("--duration for the console is at most 12h (43200 s), the console's own limit");
            }
        });
        var service = new Option<string?>("--service")
        {
            Description = "Open this service's console in the region, e.g. ec2, s3, cloudwatch [default: the console home].",
            HelpName = "NAME",
        };
        service.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && !(name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                result.AddError("--service is a console service name such as ec2, s3 or cloudwatch (lowercase letters, digits and -)");
            }
        });
        var path = new Option<string?>("--path")
        {
            Description = "Open this console path, e.g. /s3/buckets or /iam/home#/users.",
            HelpName = "PATH",
        };
        path.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && (!value.StartsWith('/') || value.StartsWith("//", StringComparison.Ordinal) || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
            {
                result.AddError("--path is a console path that starts with /, such as /s3/buckets");
            }
        });
        var stdout = new Option<bool>("--stdout")
        {
            Description = "Print the sign-in URL on stdout instead of opening a browser (remote shells). It signs in whoever has it, for 15 minutes.",
        };
        var quiet = CommonOptions.Quiet();
        var command = new Command(
            "console",
            "Open the AWS console for a profile: a role profile's role from the cached MFA session (no new code while it lasts), or for a plain IAM user a federation session (which carries no MFA).");
        pipeline.AddTo(command);
        foreach (var option in new Option[] { service, path, stdout, quiet })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (result.GetValue(service) is not null && result.GetValue(path) is not null)
            {
                result.AddError("--service and --path do not go together: name a service, or a path");
            }
        });
        command.SetAction((parseResult, cancellationToken) => handler.RunAsync(
            new ConsoleOptions(pipeline.Read(parseResult), parseResult.GetValue(service), parseResult.GetValue(path), parseResult.GetValue(stdout)),
            new CommandRun(parseResult, quiet),
            cancellationToken));
        return command;
    }
}

/// <summary>
/// Runs <c>console</c>: role credentials from the chain (or a federation session from the root's
/// keys for a plain IAM user), a sign-in token for them, then the login URL to the browser or,
/// when asked or when no browser can be started, to stdout. The URL holds the token: it never
/// reaches stderr, --verbose or a file.
/// </summary>
internal sealed class ConsoleHandler(Func<Reporter, CredentialPipeline> pipelines, IEnvironment environment, IBrowser browser)
{
    /// <summary>The console gets the IAM user's own permissions: the inline policy only ever narrows them.</summary>
    public const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    /// <summary>The longest console session AWS signs in, and what an IAM user gets by default.</summary>
    public const int MaxConsoleSeconds = 12 * 3600;

    private const int DefaultFederationSeconds = MaxConsoleSeconds;

    public async Task<int> RunAsync(ConsoleOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        // A wrong endpoint is refused before any code is asked for or any call made.
        var endpointOverride = SignInEndpointOverride();
        var credentials = pipelines(run.Reporter);
        var request = credentials.Resolve(options.Pipeline, federation: true);
        ServedCredentials served;
        int? sessionDuration = null;
        // A role's credentials sign in as the role: a role profile's, or a web identity's own.
        if (request.Roles.Count > 0 || request.Root.GivesRoleCredentials)
        {
            served = await credentials.GetAsync(request, cancellationToken).ConfigureAwait(false);
            sessionDuration = options.Pipeline.DurationSeconds;
        }
        else
        {
            run.Reporter.Warn(
                $"profile '{request.Profile}' is an IAM user, not a role: the console gets a federation session, which carries no MFA, so actions whose policies require MFA are denied there; a role profile keeps MFA in the console");
            var seconds = options.Pipeline.DurationSeconds ?? DefaultFederationSeconds;
            served = await credentials.GetAsync(
                request,
                (root, services) => new FederationTokenStep(root, name: null, AllowAll, seconds, request.Target, services.Clients, services.Clock, services.Reporter),
                cancellationToken).ConfigureAwait(false);
        }

        var partition = Partition.For(served.Identity.RoleArn, request.Target.Region);
        var endpoint = endpointOverride ?? partition.SignInEndpoint;
        var token = await ConsoleSignIn.GetSigninTokenAsync(endpoint, served.Credentials, sessionDuration, request.Target.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var destination = partition.Destination(request.Target.Region, options.Service, options.Path);
        var url = ConsoleSignIn.LoginUrl(endpoint, token, destination);
        var who = served.Identity.RoleArn is { } role ? $"role {role}" : $"federated user of profile '{request.Profile}'";
        if (!options.Stdout && browser.TryOpen(url))
        {
            run.Reporter.Info($"opened the AWS console ({destination.Host}{destination.AbsolutePath}) as {who} in your browser");
            return ExitCodes.Success;
        }

        await run.Output.WriteLineAsync(url.AbsoluteUri).ConfigureAwait(false);
        run.Reporter.Info(options.Stdout
            ? $"the sign-in URL for {who} is on stdout; it signs in whoever opens it within 15 minutes"
            : $"no browser could be started ($BROWSER, xdg-open): the sign-in URL for {who} is on stdout; it signs in whoever opens it within 15 minutes");
        return ExitCodes.Success;
    }

    /// <summary>AWSMFA_SIGNIN_ENDPOINT (a private endpoint, tests), or null for the partition's own.</summary>
    private Uri? SignInEndpointOverride()
    {
        if (environment.Get(ConsoleSignIn.EndpointVariable) is not { } text)
        {
            return null;
        }

        // The session's keys travel in the query: plain http only to this machine.
        return InputRules.TryParseEndpoint(text.Trim(), out var endpoint) && (endpoint!.Scheme == Uri.UriSchemeHttps || endpoint.IsLoopback)
            ? endpoint
            : throw AwsmfaException.Usage($"{ConsoleSignIn.EndpointVariable} must be an https:// URL (http:// only to a loopback address)");
    }
}
