namespace Awsmfa.Credentials;

/// <summary>What the user asked for on the command line; null means "not given".</summary>
internal sealed record PipelineOptions(
    string? Profile = null,
    string? SerialNumber = null,
    string? TokenCode = null,
    int? DurationSeconds = null,
    string? Region = null,
    Uri? EndpointUrl = null,
    bool Refresh = false,
    bool NoCache = false,
    TimeSpan? RequestTimeout = null,
    string? RoleArn = null,
    string? ExternalId = null,
    string? RoleSessionName = null);
