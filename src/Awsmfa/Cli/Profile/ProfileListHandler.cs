using Awsmfa.Credentials;
using Awsmfa.Keyring;
using Awsmfa.Output;

namespace Awsmfa.Cli.Profile;

/// <summary>One profile as <c>profile list</c> shows it.</summary>
internal sealed record ProfileRow(string Profile, string Kind, string? MfaSerial, string? Source, string? Region, DateTimeOffset? SessionExpiration);

/// <summary>
/// Runs <c>profile list</c>: each profile resolved as <c>session get --profile NAME</c> would
/// resolve it (nothing runs, nothing is asked), and its cache entry looked up.
/// </summary>
internal sealed class ProfileListHandler(IProfileStore profiles, KeyringIndex keyring, Func<Reporter, CredentialPipeline> pipelines, Func<Reporter, SessionCache> caches, TimeProvider clock)
{
    private static readonly string[] Header = ["NAME", "KIND", "MFA", "SOURCE", "REGION", "SESSION"];

    public int Run(ProfileListOptions options, CommandRun run)
    {
        // Resolving speaks only in --verbose; a broken profile is a row, not an error.
        var quiet = new Reporter(TextWriter.Null, verbose: false);
        var pipeline = pipelines(quiet);
        var cache = caches(quiet);
        var now = clock.GetUtcNow();
        var listed = profiles.ListNames();
        var names = listed.Concat(keyring.Entries.Select(e => e.Profile).Where(p => !listed.Contains(p)).Order(StringComparer.Ordinal));
        var rows = names.Select(name => Row(name, pipeline, cache)).ToList();
        if (options.Format == ListFormat.Json)
        {
            OutputJson.Write(
                run.Output,
                rows.Select(r => new ProfileJson(r.Profile, r.Kind, r.MfaSerial, r.Source, r.Region, r.SessionExpiration is { } e ? Timestamps.Format(e) : null)).ToList(),
                OutputJson.Indented.ListProfileJson);
            return ExitCodes.Success;
        }

        if (rows.Count == 0)
        {
            run.Reporter.Info($"no profiles in {profiles.Describe()}");
            return ExitCodes.Success;
        }

        var table = new List<IReadOnlyList<string>> { Header };
        table.AddRange(rows.Select(r => new[]
        {
            Printable.Cell(r.Profile), r.Kind, Printable.Cell(r.MfaSerial), Printable.Cell(r.Source), Printable.Cell(r.Region),
            r.SessionExpiration is not { } expiration ? "-" : expiration <= now ? "expired" : DurationParser.Humanize(expiration - now),
        }));
        run.Output.Write(TextTable.Render(table));
        return ExitCodes.Success;
    }

    private ProfileRow Row(string name, CredentialPipeline pipeline, SessionCache cache)
    {
        AwsProfile? profile;
        try
        {
            profile = profiles.Find(name);
        }
        catch (AwsmfaException)
        {
            return new ProfileRow(name, "unreadable", null, null, null, null);
        }

        if (profile is null && keyring.Find(name) is null)
        {
            return new ProfileRow(name, "-", null, null, null, null);
        }

        var view = new ProfileView(profile ?? AwsProfile.Empty(name), profiles, keyring.Find(name));
        var kind = ProfileKinds.Of(view);
        profile = view.Profile;
        var source = kind.Source(view);
        if (!kind.Serves)
        {
            return new ProfileRow(name, kind.Name, profile.MfaSerial, source, profile.Region, null);
        }

        try
        {
            var request = pipeline.Resolve(new PipelineOptions(Profile: name));
            var identity = pipeline.ServedIdentity(request);
            var entry = cache.Read(identity.CacheKey);
            return new ProfileRow(name, kind.Name, request.MfaSerial, source, request.Target.Region, entry?.Expiration);
        }
        catch (AwsmfaException)
        {
            // A chain that does not resolve (a missing source_profile, a loop) is doctor's to explain.
            return new ProfileRow(name, kind.Name + " (broken)", profile.MfaSerial, source, profile.Region, null);
        }
    }
}
