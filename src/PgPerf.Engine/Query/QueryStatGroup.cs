using Npgsql;

namespace PgPerf.Engine.Query;

/// <summary>
/// One group of a Get-PgQueryStat read from the rollups: packed digests and raw durations merged into one digest,
/// with the error and slow counts. Both the window read and the per-hour read use it, so their figures agree.
/// </summary>
internal sealed class QueryStatGroup
{
    public QueryDigest Digest { get; } = new();
    public long Errors { get; private set; }
    public long Slow { get; private set; }
    public string? Sample { get; set; }

    /// <summary>
    /// Adds one row in query_stats_rollup.sql's column order, starting at <paramref name="at"/>: kind, query_hash,
    /// total, errors, slow, sum_ms, min_ms, max_ms, digest, durations, sample. Kind 2 is raw durations.
    /// </summary>
    public void Add(NpgsqlDataReader reader, int at)
    {
        var total = reader.GetInt64(at + 2);
        if (reader.GetInt32(at) == 2)
        {
            foreach (var v in reader.GetFieldValue<double[]>(at + 9)) Digest.Add(v);
            if (!reader.IsDBNull(at + 10)) Sample ??= reader.GetString(at + 10);
        }
        else
        {
            Digest.MergePacked(reader.GetFieldValue<byte[]>(at + 8), total, reader.GetDouble(at + 5), reader.GetDouble(at + 6), reader.GetDouble(at + 7));
        }
        Errors += reader.GetInt64(at + 3);
        Slow += reader.GetInt64(at + 4);
    }

    public PgQueryStat ToStat(QueryStatOptions options, DateTimeOffset start, DateTimeOffset end, string? hash, PgConnectionInfo target)
    {
        var d = Digest;
        var row = new PgQueryStat
        {
            Start = start.ToUniversalTime(), End = end.ToUniversalTime(), GroupBy = options.GroupBy, SlowThresholdMs = options.SlowThresholdMs,
            QueryHash = hash is { Length: > 0 } ? hash : null,
            QueryText = hash is null ? null : Sample,
            TotalQueries = d.Count, SlowQueries = Slow, ErrorQueries = Errors,
            AvgDurationMs = d.Count == 0 ? null : d.Sum / d.Count,
            P50DurationMs = d.Percentile(0.5), P95DurationMs = d.Percentile(0.95), P99DurationMs = d.Percentile(0.99),
            MinDurationMs = d.Count == 0 ? null : d.Min, MaxDurationMs = d.Count == 0 ? null : d.Max,
            TotalDurationMs = d.Sum,
        };
        row.Status = QueryThresholds.Classify(row.AvgDurationMs);
        row.From(target);
        return row;
    }
}
