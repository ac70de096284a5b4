namespace Awsmfa.Output;

/// <summary>"Did you mean": the closest of a set of names to what was typed, when it is close enough to be a typo.</summary>
internal static class Suggestions
{
    /// <summary>The candidate nearest to <paramref name="typed"/> (case ignored), or null when none is within a typo's reach.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var distance = EditDistance(typed, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // A third of the name (dashes aside) may be wrong, at least one letter: --stat is --state,
        // but --max is not --tag.
        // A name that differs only in case (whoamI) is a typo too.
        return best is not null && (bestDistance > 0 || !string.Equals(typed, best, StringComparison.Ordinal)) && bestDistance <= Math.Max(1, best.TrimStart('-').Length / 3) ? best : null;
    }

    /// <summary>The error for a value outside a fixed set: the set, and the closest member when it looks like a typo.</summary>
    public static string NotOneOf(string option, string typed, IReadOnlyCollection<string> names) =>
        $"{option} '{Printable.OneLine(typed)}' is not one of: {string.Join(", ", names)}"
        + (Closest(typed, names) is { } closest ? $" (did you mean {closest}?)" : "");

    /// <summary>Levenshtein distance, case ignored; a swap of two neighbours counts as one edit.</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1));
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2]) && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
