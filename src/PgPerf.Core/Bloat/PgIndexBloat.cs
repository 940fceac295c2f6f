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
    /// <summary>Ok below 30 %, Warning 30-50 %, Critical above 50 %.</summary>
    public string Status { get; set; } = "Ok";
    /// <summary>Estimate (catalog and pg_stats) or Exact (pgstatindex).</summary>
    public PgBloatMethod Method { get; set; }
    public PgBloatConfidence Confidence { get; set; }
    /// <summary>Why the figure may be off: NoStats, NoStatsAccess, StaleStats, Deduplicated, DeadEntries, SizeFromCatalog,
    /// and for -Method Exact: Locked or TimeBudget when the index kept its estimate.</summary>
    public string[] Flags { get; set; } = Array.Empty<string>();
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
