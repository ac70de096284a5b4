using System.Globalization;

namespace Awsmfa.Output;

/// <summary>The one timestamp format awsmfa prints: ISO 8601 in UTC to the second, as AWS writes them.</summary>
internal static class Timestamps
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
