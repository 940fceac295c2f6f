namespace PgPerf;

/// <summary>Options of one bloat snapshot (Invoke-PgBloatSnapshot).</summary>
public sealed record PgBloatSnapshotOptions
{
    /// <summary>Tables at or over this percentage (or with a low-confidence estimate) are confirmed with Approx.</summary>
    public double ConfirmAbovePercent { get; init; } = 20;
    /// <summary>Time allowed for the Approx confirmations; tables left over keep their estimate.</summary>
    public int TimeBudgetSeconds { get; init; } = 60;
    /// <summary>Skip the confirmation step even when pgstattuple is installed.</summary>
    public bool SkipPgstattupleCheck { get; init; }
    /// <summary>Alert threshold in percent (spec: 20).</summary>
    public double AlertThresholdPercent { get; init; } = 20;
    /// <summary>Tables wasting less than this are never alerted on.</summary>
    public long AlertMinWastedBytes { get; init; } = 1024 * 1024;
    /// <summary>How long the capture and each confirmation wait for a table's lock before skipping it.</summary>
    public int LockTimeoutMs { get; init; } = PgMonitoringLocks.SnapshotLockTimeoutMs;
}

/// <summary>Table bloat (spec section 3): estimates, pgstattuple measurements, snapshots, alerts and VACUUM.</summary>
public interface IBloatService
{
    /// <summary>The Estimate of every table, partition, partitioned table and materialized view, one statement.</summary>
    IReadOnlyList<PgTableBloat> Estimate(CancellationToken cancellationToken);

    /// <summary>True when the pgstattuple extension is installed in the database.</summary>
    bool HasPgstattuple(CancellationToken cancellationToken);

    /// <summary>Throws PgPerf.Bloat.ExtensionMissing (with the command to install it) unless pgstattuple is installed.</summary>
    void EnsurePgstattuple(CancellationToken cancellationToken);

    /// <summary>Measures one table (from Estimate) with Approx or Exact; a partitioned table is the sum of its partitions.</summary>
    PgTableBloat Measure(PgTableBloat table, PgBloatMethod method, CancellationToken cancellationToken);

    /// <summary>Captures a snapshot of every table, confirms the worst with Approx within the time budget, then checks alerts.</summary>
    PgSnapshotResult CaptureSnapshot(PgBloatSnapshotOptions options, CancellationToken cancellationToken);

    /// <summary>Every table's figure in each bloat snapshot taken at or after <paramref name="since"/>, by table, oldest first.</summary>
    IReadOnlyList<PgTableBloatPoint> GetHistory(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// The same for a server registered in the repository the service is bound to (its stored snapshots, rows naming
    /// it); this database's own when <paramref name="server"/> is null.
    /// </summary>
    IReadOnlyList<PgTableBloatPoint> GetHistory(DateTimeOffset since, PgMonitoredServer? server, CancellationToken cancellationToken);

    /// <summary>
    /// The tables of the latest bloat snapshot stored for <paramref name="server"/> in the repository the service is bound
    /// to (Get-PgTableBloat -Repository), rows naming it; empty before its first snapshot.
    /// </summary>
    IReadOnlyList<PgTableBloat> GetLatestStored(PgMonitoredServer server, CancellationToken cancellationToken);

    /// <summary>Throws PgPerf.Bloat.TableNotFound unless the table exists (what Invoke-PgVacuum -WhatIf checks).</summary>
    void EnsureTableExists(string schema, string table, CancellationToken cancellationToken);

    /// <summary>Runs VACUUM (outside any transaction) and reports the size before and after.</summary>
    PgVacuumResult Vacuum(string schema, string table, bool full, bool analyze, CancellationToken cancellationToken);
}

/// <summary>The VACUUM statement for one table, as Invoke-PgVacuum runs it and -WhatIf shows it.</summary>
public static class PgVacuumSql
{
    public static string Build(string schema, string table, bool full, bool analyze)
    {
        var options = new List<string>(2);
        if (full) options.Add("FULL");
        if (analyze) options.Add("ANALYZE");
        var prefix = options.Count == 0 ? "VACUUM " : $"VACUUM ({string.Join(", ", options)}) ";
        return prefix + PgIdentifier.Qualify(schema, table);
    }
}
