namespace PgPerf.Engine.Query;

/// <summary>
/// How Get-PgQueryStat splits a window over the rollups: whole UTC days from query_log_daily, whole hours from
/// query_log_hourly, raw rows for the partial edges and for hours whose rows changed since they were rolled up.
/// </summary>
internal sealed class QueryStatPlan
{
    private static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private QueryStatPlan(DateTime start, DateTime end, DateTime firstHour, DateTime endHour)
    {
        (Start, End, FirstHour, EndHour) = (start, end, firstHour, endHour);
    }

    public DateTime Start { get; }
    public DateTime End { get; }

    /// <summary>The whole hours of the window: [FirstHour, EndHour).</summary>
    public DateTime FirstHour { get; }
    public DateTime EndHour { get; }

    /// <summary>
    /// Null when rollups cannot answer: grouping or filtering by endpoint, a slow threshold other than the one
    /// rolled up (500 ms), or a window without a whole hour (then raw rows are cheap and exact anyway).
    /// </summary>
    public static QueryStatPlan? For(QueryStatOptions options)
    {
        if (options.GroupBy == QueryStatGroupBy.Endpoint || options.Endpoints is { Length: > 0 }
            || options.SlowThresholdMs != QueryThresholds.SlowQueryMs)
            return null;
        var start = options.Start.UtcDateTime;
        var end = options.End.UtcDateTime;
        var firstHour = Ceiling(start, QueryRollups.Hour);
        var endHour = Floor(end, QueryRollups.Hour);
        return firstHour < endHour ? new QueryStatPlan(start, end, firstHour, endHour) : null;
    }

    public (DateTime[] Days, DateTime[] Hours, DateTime[] RawFrom, DateTime[] RawTo) Split(IEnumerable<DateTime> dirtyHours)
    {
        var dirty = dirtyHours.Select(h => DateTime.SpecifyKind(h, DateTimeKind.Utc)).ToHashSet();
        var dirtyDays = dirty.Select(h => Floor(h, QueryRollups.Day)).ToHashSet();
        var firstDay = Ceiling(FirstHour, QueryRollups.Day);
        var endDay = Floor(EndHour, QueryRollups.Day);

        var days = new List<DateTime>();
        var hours = new List<DateTime>();
        var raw = new List<(DateTime From, DateTime To)>();
        void AddRaw(DateTime from, DateTime to)
        {
            if (from >= to) return;
            if (raw.Count > 0 && raw[^1].To == from) raw[^1] = (raw[^1].From, to);
            else raw.Add((from, to));
        }

        AddRaw(Start, FirstHour);
        for (var h = FirstHour; h < EndHour;)
        {
            var day = Floor(h, QueryRollups.Day);
            if (h == day && day >= firstDay && day < endDay && !dirtyDays.Contains(day))
            {
                days.Add(day);
                h = day + QueryRollups.Day;
                continue;
            }
            if (dirty.Contains(h)) AddRaw(h, h + QueryRollups.Hour);
            else hours.Add(h);
            h += QueryRollups.Hour;
        }
        AddRaw(EndHour, End);
        return (days.ToArray(), hours.ToArray(), raw.Select(r => r.From).ToArray(), raw.Select(r => r.To).ToArray());
    }

    internal static DateTime Floor(DateTime t, TimeSpan step) =>
        new(t.Ticks - (t.Ticks - Epoch.Ticks) % step.Ticks, DateTimeKind.Utc);

    internal static DateTime Ceiling(DateTime t, TimeSpan step)
    {
        var f = Floor(t, step);
        return f == t ? f : f + step;
    }
}
