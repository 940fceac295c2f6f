namespace PgPerf;

/// <summary>How a bloat figure was measured.</summary>
public enum PgBloatMethod : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    /// <summary>From the catalog and pg_stats; reads no table.</summary>
    Estimate,
    /// <summary>pgstattuple_approx: reads the pages the visibility map does not mark all-visible.</summary>
    Approx,
    /// <summary>pgstattuple: reads the whole table and its TOAST table.</summary>
    Exact,
}

/// <summary>The spec's bloat levels: Healthy &lt; 10 %, Monitor 10-20 %, ActionRequired &gt; 20 %, Critical &gt; 50 %.</summary>
public enum PgBloatStatus : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Healthy,
    Monitor,
    ActionRequired,
    Critical,
}

/// <summary>How far a figure can be trusted; Low and Medium come with Flags saying why.</summary>
public enum PgBloatConfidence : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Low,
    Medium,
    High,
}

/// <summary>
/// Bloat of one table: the space a rewrite (VACUUM FULL) would give back, heap plus TOAST, in bytes and as a
/// percentage of the table's size. The fillfactor reserve is not counted as waste.
/// </summary>
public sealed class PgTableBloat : PgServerRecord
{
    public string Schema { get; set; } = "";
    public string Table { get; set; } = "";
    /// <summary>Table, PartitionedTable (the sum of its partitions) or MaterializedView.</summary>
    public string Kind { get; set; } = "Table";
    public double BloatPercent { get; set; }
    public long BloatBytes { get; set; }
    /// <summary>Heap plus TOAST main forks (indexes not included).</summary>
    public long TableBytes { get; set; }
    public long LiveTuples { get; set; }
    public long DeadTuples { get; set; }
    public PgBloatStatus Status { get; set; }
    public PgBloatMethod Method { get; set; }
    public PgBloatConfidence Confidence { get; set; }
    /// <summary>Why the figure may be off: NoStats, NoStatsAccess, StaleStats, NameColumns, DroppedColumns,
    /// ToastNeverVacuumed, ToastUnknown, PaddingHeavy, SizeFromCatalog, PartitionedParent.</summary>
    public PgList<string> Flags { get; set; } = PgList<string>.None;
    public int FillFactor { get; set; } = 100;
    public DateTimeOffset MeasuredAt { get; set; }

    /// <summary>The table's OID when measured (OIDs change on a rewrite; names identify the table).</summary>
    public long TableOid { get; set; }
    public long ToastOid { get; set; }
    /// <summary>Every column has a fixed width and no NULLs, so every row has the same size.</summary>
    public bool FixedWidth { get; set; }
    /// <summary>The estimate's average bytes per row in a page (aligned row + line pointer); 0 when unknown.</summary>
    public double EstimatedRowBytes { get; set; }

    /// <summary>schema.table, quoted where PostgreSQL needs it.</summary>
    public string QualifiedName => PgIdentifier.Qualify(Schema, Table);

    public override string ToString() => QualifiedName;
}

/// <summary>One VACUUM that Invoke-PgVacuum ran.</summary>
public sealed class PgVacuumResult : PgServerRecord
{
    public string Schema { get; set; } = "";
    public string Table { get; set; } = "";
    public string Sql { get; set; } = "";
    public long BytesBefore { get; set; }
    public long BytesAfter { get; set; }
    public long BytesFreed => BytesBefore - BytesAfter;
    public double DurationMs { get; set; }
}

/// <summary>One table in one bloat snapshot (Get-PgTableBloatTrend): the figure the snapshot kept.</summary>
public sealed class PgTableBloatPoint : PgServerRecord
{
    public string Schema { get; set; } = "";
    public string Table { get; set; } = "";
    public string Kind { get; set; } = "Table";
    public DateTimeOffset CapturedAt { get; set; }
    public double BloatPercent { get; set; }
    public long BloatBytes { get; set; }
    public long TableBytes { get; set; }
    public long LiveTuples { get; set; }
    public long DeadTuples { get; set; }
    public PgBloatStatus Status => BloatMath.Status(BloatPercent);
    /// <summary>Estimate, or Approx/Exact where the snapshot confirmed the estimate by measuring.</summary>
    public PgBloatMethod Method { get; set; }
    public PgBloatConfidence Confidence { get; set; }

    /// <summary>schema.table, quoted where PostgreSQL needs it.</summary>
    public string QualifiedName => PgIdentifier.Qualify(Schema, Table);

    public override string ToString() => $"{QualifiedName} {CapturedAt:u}";
}
