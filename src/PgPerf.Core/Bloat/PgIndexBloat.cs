namespace PgPerf;

/// <summary>
/// Bloat of one B-tree index: the space a REINDEX would give back, in bytes and as a percentage of the index's
/// size. The leaf fillfactor reserve (10 % by default) is not counted as waste.
/// </summary>
public sealed class PgIndexBloat : PgServerRecord
{
    public string Schema { get; set; } = "";
    public string Table { get; set; } = "";
    public string Index { get; set; } = "";
    public double BloatPercent { get; set; }
    public long BloatBytes { get; set; }
    /// <summary>The index's size now (main fork).</summary>
    public long IndexBytes { get; set; }
    /// <summary>The size a REINDEX would build: IndexBytes - BloatBytes.</summary>
    public long ExpectedBytes { get; set; }
    /// <summary>Ok below 30 %, Warning from 30 %, Critical from 50 % (BloatMath.IndexStatus).</summary>
    public string Status { get; set; } = "Ok";
    /// <summary>Estimate (catalog and pg_stats) or Exact (pgstatindex).</summary>
    public PgBloatMethod Method { get; set; }
    public PgBloatConfidence Confidence { get; set; }
    /// <summary>Why the figure may be off: NoStats, NoStatsAccess, StaleStats, Deduplicated, DeadEntries, SizeFromCatalog,
    /// and for -Method Exact: Locked or TimeBudget when the index kept its estimate.</summary>
    public PgList<string> Flags { get; set; } = PgList<string>.None;
    /// <summary>Index entries (pg_class.reltuples of the index); null before its first VACUUM or ANALYZE.</summary>
    public long? Entries { get; set; }
    /// <summary>Average bytes of one leaf entry with its line pointer, from the catalog; 0 when unknown.</summary>
    public double EntryBytes { get; set; }
    /// <summary>pgstatindex's avg_leaf_density (percent); null for the estimate.</summary>
    public double? LeafDensity { get; set; }
    public int FillFactor { get; set; } = BloatMath.BtreeDefaultFillFactor;
    public bool IsUnique { get; set; }
    public DateTimeOffset MeasuredAt { get; set; }
    public long IndexOid { get; set; }
    /// <summary>Every entry has the same size (fixed-width keys without NULLs).</summary>
    public bool FixedWidth { get; set; }

    /// <summary>schema.index, quoted where PostgreSQL needs it.</summary>
    public string QualifiedName => PgIdentifier.Qualify(Schema, Index);

    public override string ToString() => QualifiedName;
}

/// <summary>B-tree index bloat: the catalog estimate of every index and pgstatindex measurements.</summary>
public interface IIndexBloatService
{
    /// <summary>The estimate of every valid B-tree index outside the system schemas, one statement, no index read.</summary>
    IReadOnlyList<PgIndexBloat> Estimate(CancellationToken cancellationToken);

    /// <summary>Throws PgPerf.Bloat.ExtensionMissing (with the command to install it) unless pgstattuple is installed.</summary>
    void EnsurePgstattuple(CancellationToken cancellationToken);

    /// <summary>
    /// Measures one index (from Estimate) with pgstatindex. Waits at most lockTimeoutMs for a lock (REINDEX, DROP
    /// hold one): PgPerf.LockNotAvailable then.
    /// </summary>
    PgIndexBloat Measure(PgIndexBloat index, int lockTimeoutMs, CancellationToken cancellationToken);
}

/// <summary>Which indexes Get-PgIndexBloat lists, and in what order (the report and the health check list them alike).</summary>
public static class IndexBloatSelection
{
    /// <summary>Indexes at or over the percentage and the wasted bytes, the most bloated first (then the most wasted).</summary>
    public static IEnumerable<PgIndexBloat> WorstFirst(IEnumerable<PgIndexBloat> indexes, double minPercent, long minWastedBytes) =>
        (indexes ?? throw new ArgumentNullException(nameof(indexes)))
            .Where(i => i.BloatPercent >= minPercent && i.BloatBytes >= minWastedBytes)
            .OrderByDescending(i => i.BloatPercent).ThenByDescending(i => i.BloatBytes);
}

/// <summary>The index_bloat health check: indexes wasting at least a floor, judged by their bloat percentage.</summary>
public static class IndexBloatFindings
{
    /// <summary>Indexes that would give back less than this are not worth a REINDEX, whatever their percentage.</summary>
    public const double DefaultMinWastedMB = 100;

    public static IEnumerable<PgHealthFinding> Find(IEnumerable<PgIndexBloat> indexes, double warningPercent, double criticalPercent, long minWastedBytes) =>
        IndexBloatSelection.WorstFirst((indexes ?? throw new ArgumentNullException(nameof(indexes))).Where(i => i.BloatBytes > 0), 0, minWastedBytes)
            .Select(i => new PgHealthFinding(i.QualifiedName, i.BloatPercent, PgHealthStatus.AtLeast(i.BloatPercent, warningPercent, criticalPercent),
                $"index {i.QualifiedName} on {i.Table}: a REINDEX would give back {i.BloatBytes / 1048576.0:0.#} MB of {i.IndexBytes / 1048576.0:0.#} MB ({i.BloatPercent:0.#} %, estimate, confidence {i.Confidence})",
                i.QualifiedName));
}
