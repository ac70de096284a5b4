using System.Globalization;

namespace Awsmfa.Credentials;

/// <summary>Parses session durations and time spans such as <c>3600</c>, <c>900s</c>, <c>15m</c>, <c>36h</c>.</summary>
internal static class DurationParser
{
    /// <summary>GetSessionToken's limits for IAM users.</summary>
    public const int MinSessionSeconds = 900;
    public const int MaxSessionSeconds = 129_600;
    public const int DefaultSessionSeconds = 3600;

    public const string SessionRangeHint = "from 900 (15m) to 129600 (36h) seconds";

    public static bool TryParseSeconds(string? text, out int seconds)
    {
        seconds = 0;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 12)
        {
            return false;
        }

        var multiplier = char.ToLowerInvariant(value[^1]) switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => 0,
        };
        var digits = multiplier == 0 ? value : value[..^1];
        multiplier = multiplier == 0 ? 1 : multiplier;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var total = number * multiplier;
        if (total > int.MaxValue)
        {
            return false;
        }

        seconds = (int)total;
        return true;
    }

    public static bool IsValidSession(int seconds) => seconds is >= MinSessionSeconds and <= MaxSessionSeconds;

    /// <summary>--request-timeout and AWSMFA_REQUEST_TIMEOUT: one AWS request, 1 s to 10 min.</summary>
    public const string RequestTimeoutHint = "a duration from 1s to 10m, such as 10, 30s or 2m";

    public static TimeSpan? ParseRequestTimeout(string? text) =>
        TryParseSeconds(text, out var seconds) && seconds is > 0 and <= 600 ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>A short human form: <c>59m</c>, <c>1h05m</c>, <c>35h59m</c>, <c>42s</c>.</summary>
    public static string Humanize(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)span.TotalSeconds)}s");
        }

        var hours = (int)span.TotalHours;
        return hours == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m")
            : string.Create(CultureInfo.InvariantCulture, $"{hours}h{span.Minutes:00}m");
    }
}
