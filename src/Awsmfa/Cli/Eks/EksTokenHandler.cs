using System.Text.Json;
using Awsmfa.Credentials;
using Awsmfa.Eks;
using Awsmfa.Output;
using Awsmfa.Platform;

namespace Awsmfa.Cli.Eks;

/// <summary>
/// Runs <c>eks token</c>: the chain's credentials (a cache hit makes no network call), a token
/// presigned from them, and the ExecCredential kubectl reads, in the apiVersion kubectl asked for.
/// </summary>
internal sealed class EksTokenHandler(Func<Reporter, CredentialPipeline> pipelines, IEnvironment environment, TimeProvider clock, Func<Reporter, SessionCache> caches)
{
    public const string DefaultApiVersion = "client.authentication.k8s.io/v1beta1";

    public async Task<int> RunAsync(EksTokenOptions options, CommandRun run, CancellationToken cancellationToken)
    {
        var pipeline = pipelines(run.Reporter);
        var request = pipeline.Resolve(options.Pipeline, requireRegion: true);
        var served = await pipeline.GetAsync(request, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var region = request.Target.Region!;
        var apiVersion = ApiVersion();
        // A document made moments ago from the same session serves again (--refresh and --no-cache sign anew).
        var cache = request.Cache == CacheMode.Off ? null : caches(run.Reporter);
        var key = EksTokenCache.Key(served.Credentials, options.ClusterName, region, apiVersion);
        if (request.Cache == CacheMode.Normal && cache is not null && EksTokenCache.Read(cache, key, now) is { } kept)
        {
            await run.Output.WriteAsync(kept).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var expiration = EksToken.Expiration(now, served.Credentials.Expiration);
        var document = JsonSerializer.Serialize(
            new ExecCredentialJson("ExecCredential", apiVersion, new ExecCredentialSpecJson(), new ExecCredentialStatusJson(Timestamps.Format(expiration), EksToken.Create(served.Credentials, options.ClusterName, region, now))),
            OutputJson.Compact.ExecCredentialJson) + "\n";
        if (cache is not null)
        {
            EksTokenCache.Write(cache, key, expiration, document, now);
        }

        await run.Output.WriteAsync(document).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The apiVersion of KUBERNETES_EXEC_INFO when kubectl gives one of the exec API's, else v1beta1.</summary>
    private string ApiVersion()
    {
        if (environment.Get("KUBERNETES_EXEC_INFO") is not { Length: > 0 } info)
        {
            return DefaultApiVersion;
        }

        try
        {
            using var document = JsonDocument.Parse(info);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("apiVersion", out var version)
                && version.GetString() is { } asked
                && asked.StartsWith("client.authentication.k8s.io/", StringComparison.Ordinal)
                ? asked
                : DefaultApiVersion;
        }
        catch (JsonException)
        {
            return DefaultApiVersion;
        }
    }
}
