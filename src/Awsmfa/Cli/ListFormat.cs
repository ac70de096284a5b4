namespace Awsmfa.Cli;

/// <summary>How <c>session list</c>, <c>keys list</c> and <c>profile list</c> print their rows.</summary>
internal enum ListFormat
{
    Table,
    Json,
}
