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

    /// <summary>Spans of the block rollups (migration 011), largest first: hours within a UTC day, days aligned on 2000-01-01.</summary>
    internal static readonly int[] HourBlockSpans = { 8, 4, 2 };
    internal static readonly int[] DayBlockSpans = { 16, 8, 4, 2 };

    /// <summary>
    /// The window's parts. With <paramref name="useBlocks"/> runs of clean whole hours and days are covered by the
    /// fewest aligned blocks (Blocks: start and length in hours), the rest stays single hours and days. No block
    /// starts before <paramref name="firstRolledUpDay"/> (the oldest daily rollup): retention drops the blocks that
    /// reach back before its cutoff, and the days before that day hold nothing anyway.
    /// </summary>
    public QueryStatParts Split(IEnumerable<DateTime> dirtyHours, bool useBlocks, DateTime? firstRolledUpDay = null)
    {
        var (days, hours, rawFrom, rawTo) = Split(dirtyHours);
        if (!useBlocks)
            return new QueryStatParts(days, hours, Array.Empty<DateTime>(), Array.Empty<int>(), rawFrom, rawTo);
        var first = firstRolledUpDay ?? DateTime.MinValue;
        var blockStarts = new List<DateTime>();
        var blockHours = new List<int>();
        var singleDays = days.Where(d => d < first).Concat(
            Cover(days.Where(d => d >= first).ToArray(), QueryRollups.Day, t => (long)((t - Epoch).Ticks / QueryRollups.Day.Ticks), DayBlockSpans, 24, blockStarts, blockHours));
        var singleHours = hours.Where(h => h < first).Concat(
            Cover(hours.Where(h => h >= first).ToArray(), QueryRollups.Hour, t => t.Hour, HourBlockSpans, 1, blockStarts, blockHours));
        return new QueryStatParts(singleDays.ToArray(), singleHours.ToArray(), blockStarts.ToArray(), blockHours.ToArray(), rawFrom, rawTo);
    }

    // Greedy cover of each run of consecutive periods (never across a UTC day for hours): at each period the largest
    // aligned span that fits the run becomes a block; what no span fits stays a single period.
    private static DateTime[] Cover(DateTime[] periods, TimeSpan unit, Func<DateTime, long> index, int[] spans, int hoursPerUnit,
        List<DateTime> blockStarts, List<int> blockHours)
    {
        var singles = new List<DateTime>();
        var i = 0;
        while (i < periods.Length)
        {
            var end = i + 1;
            while (end < periods.Length && periods[end] == periods[end - 1] + unit && (unit != QueryRollups.Hour || periods[end].Date == periods[i].Date))
                end++;
            var at = i;
            while (at < end)
            {
                var span = spans.FirstOrDefault(s => index(periods[at]) % s == 0 && at + s <= end);
                if (span > 0)
                {
                    blockStarts.Add(periods[at]);
                    blockHours.Add(span * hoursPerUnit);
                    at += span;
                }
                else
                {
                    singles.Add(periods[at]);
                    at++;
                }
            }
            i = end;
        }
        return singles.ToArray();
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

    /// <summary>The bin of <paramref name="t"/> as date_bin(step, t, '2000-01-01 00:00+00') gives it: down, also before 2000.</summary>
    internal static DateTime Floor(DateTime t, TimeSpan step)
    {
        var offset = (t.Ticks - Epoch.Ticks) % step.Ticks;
        return new(t.Ticks - (offset < 0 ? offset + step.Ticks : offset), DateTimeKind.Utc);
    }

    internal static DateTime Ceiling(DateTime t, TimeSpan step)
    {
        var f = Floor(t, step);
        return f == t ? f : f + step;
    }
}

/// <summary>A window split for the rollup read: single days and hours, aligned blocks, and raw ranges.</summary>
internal sealed record QueryStatParts(DateTime[] Days, DateTime[] Hours, DateTime[] BlockStarts, int[] BlockHours, DateTime[] RawFrom, DateTime[] RawTo);
