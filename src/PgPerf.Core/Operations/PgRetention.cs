namespace PgPerf;

/// <summary>How long to keep each kind of row (Invoke-PgPerfRetention, the daily job).</summary>
public sealed record PgRetentionOptions
{
    public const int MaxDays = 36500;

    public int QueryLogDays { get; init; } = 30;
    public int SnapshotDays { get; init; } = 90;

    /// <summary>Resolved alerts only; open alerts are never deleted.</summary>
    public int AlertDays { get; init; } = 180;

    /// <summary>Rows per DELETE; each batch is its own short transaction.</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>Throws PgPerf.Retention.InvalidArgument naming the parameter when a value is out of range.</summary>
    public void Validate()
    {
        Check(QueryLogDays, nameof(QueryLogDays));
        Check(SnapshotDays, nameof(SnapshotDays));
        Check(AlertDays, nameof(AlertDays));
        if (BatchSize is < 1 or > 1_000_000)
            throw new PgPerfException(PgPerfErrorIds.Retention.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                $"-BatchSize {BatchSize} is out of range; use 1 to 1000000 rows per batch (the default is 5000).") { ParameterName = nameof(BatchSize) };
    }

    private static void Check(int days, string name)
    {
        if (days is < 1 or > MaxDays)
            throw new PgPerfException(PgPerfErrorIds.Retention.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                $"-{name} {days} is out of range; keep at least 1 day and at most {MaxDays} days.") { ParameterName = name };
    }
}

/// <summary>Retention of one table.</summary>
public sealed class PgRetentionTable
{
    /// <summary>schema.table, for example pgperf.query_performance_logs.</summary>
    public string Table { get; set; } = "";

    public int KeepDays { get; set; }

    /// <summary>Rows older than this (resolved before this, for alerts) are deleted.</summary>
    public DateTimeOffset Cutoff { get; set; }

    /// <summary>Rows older than the cutoff when counted (Plan only).</summary>
    public long? RowsToDelete { get; set; }

    public long RowsDeleted { get; set; }
    public int Batches { get; set; }
    public double DurationMs { get; set; }

    /// <summary>Dead and live tuples after the delete (dead includes this run's deletes when statistics lag).</summary>
    public long DeadTuples { get; set; }
    public long LiveTuples { get; set; }

    /// <summary>True when enough dead rows piled up that a VACUUM should run now.</summary>
    public bool VacuumDue { get; set; }

    /// <summary>What to run when VacuumDue; null otherwise.</summary>
    public string? VacuumAdvice => !VacuumDue ? null :
        $"VACUUM is due on {Table}: about {DeadTuples:N0} dead rows ({(DeadTuples + LiveTuples == 0 ? 0 : 100.0 * DeadTuples / (DeadTuples + LiveTuples)):N0} % of the table) after retention. " +
        $"Run VACUUM (ANALYZE) {Table} (or Invoke-PgVacuum) in a quiet hour so the space is reused; autovacuum will get there eventually.";

    public override string ToString() => $"{Table}: {RowsDeleted} deleted";
}

/// <summary>The result of Invoke-PgPerfRetention.</summary>
public sealed class PgRetentionResult : PgServerRecord
{
    public DateTimeOffset StartedAt { get; set; }
    public double DurationMs { get; set; }
    public PgList<PgRetentionTable> Tables { get; set; } = PgList<PgRetentionTable>.None;
    public long TotalRowsDeleted => Tables.Sum(t => t.RowsDeleted);

    /// <summary>Tables that need a VACUUM, with what to run.</summary>
    public PgList<string> Warnings { get; set; } = PgList<string>.None;
}
