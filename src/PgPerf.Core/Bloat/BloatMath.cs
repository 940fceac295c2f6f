namespace PgPerf;

/// <summary>What pgstattuple (or pgstattuple_approx) reported for one relation.</summary>
public sealed record PgStatTupleFigures(
    long TableLen,
    double TupleCount,
    double TupleLen,
    double DeadTupleCount,
    double DeadTupleLen,
    double FreeSpace,
    /// <summary>pgstattuple_approx's scanned_percent; 100 for pgstattuple.</summary>
    double ScannedPercent = 100);

/// <summary>The figures a measurement boils down to.</summary>
public sealed record PgBloatFigures(long TableBytes, long BloatBytes, long LiveTuples, long DeadTuples)
{
    public double BloatPercent => BloatMath.Percent(BloatBytes, TableBytes);
}

/// <summary>
/// The arithmetic of table bloat, kept free of I/O so it can be tested: the spec's Status bands, Confidence
/// from flags, and turning pgstattuple's figures into the space a rewrite would give back.
/// </summary>
public static class BloatMath
{
    public const int BlockSize = 8192;
    private const int PageHeader = 24;
    private const int LinePointer = 4;
    private const int MaxAlign = 8;
    private const int MaxHeapTuplesPerPage = 291;
    private const int ToastChunksPerPage = 4;

    /// <summary>Healthy &lt; 10, Monitor 10-20, ActionRequired &gt; 20, Critical &gt; 50 (percent).</summary>
    public static PgBloatStatus Status(double bloatPercent) => bloatPercent switch
    {
        > 50 => PgBloatStatus.Critical,
        > 20 => PgBloatStatus.ActionRequired,
        >= 10 => PgBloatStatus.Monitor,
        _ => PgBloatStatus.Healthy,
    };

    /// <summary>Flags that make an estimate unreliable (its inputs are missing or stale).</summary>
    public static readonly IReadOnlySet<string> LowConfidenceFlags =
        new HashSet<string>(StringComparer.Ordinal) { "NoStatsAccess", "NoStats", "StaleStats", "ToastUnknown" };

    /// <summary>Flags for shapes where the estimate is usually close but not always.</summary>
    public static readonly IReadOnlySet<string> MediumConfidenceFlags =
        new HashSet<string>(StringComparer.Ordinal) { "NameColumns", "DroppedColumns", "ToastNeverVacuumed", "PaddingHeavy", "SizeFromCatalog" };

    /// <summary>Confidence of an estimate from its flags (the same rule as pgperf.table_bloat_estimate()).</summary>
    public static PgBloatConfidence Confidence(IEnumerable<string> flags)
    {
        var list = flags as ICollection<string> ?? flags.ToList();
        if (list.Any(LowConfidenceFlags.Contains)) return PgBloatConfidence.Low;
        if (list.Any(MediumConfidenceFlags.Contains)) return PgBloatConfidence.Medium;
        return PgBloatConfidence.High;
    }

    public static double Percent(long part, long whole) =>
        whole <= 0 ? 0 : Math.Round(100.0 * Math.Clamp(part, 0, whole) / whole, 2);

    /// <summary>Bytes of a heap page that hold rows when PostgreSQL fills it (it keeps 100 - fillfactor % free).</summary>
    public static double UsableBytesPerPage(int fillFactor)
    {
        if (fillFactor is < 10 or > 100) throw new ArgumentOutOfRangeException(nameof(fillFactor), fillFactor, "fillfactor is 10 to 100");
        return BlockSize - PageHeader - BlockSize * (100 - fillFactor) / 100;
    }

    /// <summary>
    /// Heap pages a rewrite needs for liveTuples rows that take rowBytes each (aligned row + line pointer).
    /// Rows of one fixed size fill whole rows per page; rows of varying size leave half a row free on average.
    /// </summary>
    public static long HeapPagesNeeded(double liveTuples, double rowBytes, int fillFactor, bool fixedWidth)
    {
        if (liveTuples <= 0) return 0;
        if (rowBytes <= 0) throw new ArgumentOutOfRangeException(nameof(rowBytes), rowBytes, "a row takes at least its header");
        var perPage = UsableBytesPerPage(fillFactor) / rowBytes;
        perPage = fixedWidth ? Math.Floor(perPage) : perPage - 0.5;
        perPage = Math.Clamp(perPage, 1, MaxHeapTuplesPerPage);
        return (long)Math.Ceiling(liveTuples / perPage);
    }

    /// <summary>TOAST pages a rewrite needs: chunks are just under a quarter page, four per page.</summary>
    public static long ToastPagesNeeded(double liveChunks) =>
        liveChunks <= 0 ? 0 : (long)Math.Ceiling(liveChunks / ToastChunksPerPage);

    /// <summary>
    /// Turns pgstattuple (or pgstattuple_approx) figures for the heap and its TOAST table into the space a
    /// rewrite gives back. pgstattuple's own dead + free would count the fillfactor reserve and TOAST chunk
    /// slack as waste; here the live rows are repacked the way VACUUM FULL packs them.
    /// </summary>
    public static PgBloatFigures FromStatTuple(PgStatTupleFigures heap, PgStatTupleFigures? toast, int fillFactor, bool fixedWidth, double? estimatedRowBytes = null)
    {
        ArgumentNullException.ThrowIfNull(heap);
        var needed = HeapPagesNeeded(heap.TupleCount, StoredRowBytes(heap, fixedWidth, estimatedRowBytes), fillFactor, fixedWidth) * BlockSize;
        var tableBytes = heap.TableLen;
        if (toast is not null)
        {
            needed += ToastPagesNeeded(toast.TupleCount) * BlockSize;
            tableBytes += toast.TableLen;
        }
        var bloat = Math.Clamp(tableBytes - needed, 0, tableBytes);
        return new PgBloatFigures(tableBytes, bloat, (long)Math.Round(heap.TupleCount), (long)Math.Round(heap.DeadTupleCount));
    }

    /// <summary>
    /// Average bytes a live row takes in a page: its length aligned to 8, plus its line pointer. Pages that
    /// pgstattuple_approx skipped (all-visible) report only their used space from the free space map, which also
    /// holds the line pointers left behind by removed rows; for that share of the pages the estimate's row size
    /// (from pg_stats) is used when there is one.
    /// </summary>
    public static double StoredRowBytes(PgStatTupleFigures f, bool fixedWidth, double? estimatedRowBytes = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.TupleCount <= 0) return PageHeader + LinePointer;
        var skipped = Math.Clamp(1 - f.ScannedPercent / 100.0, 0, 1);
        var avgLen = f.TupleLen / f.TupleCount;
        // Fixed-width rows all have the same length, so their padding is known; otherwise half an alignment unit.
        var pad = fixedWidth ? AlignUp(avgLen) - avgLen : (MaxAlign - 1) / 2.0;
        var measured = avgLen + LinePointer + pad;
        if (skipped > 0)
        {
            if (estimatedRowBytes is > 0)
                measured = skipped * estimatedRowBytes.Value + (1 - skipped) * measured;
            else
            {
                // Used space of skipped pages holds the page header too (and the map rounds free space down by 16 bytes on average).
                var pages = (double)f.TableLen / BlockSize;
                measured = (f.TupleLen - skipped * pages * (PageHeader + 16) + (1 - skipped) * f.TupleCount * (LinePointer + pad)) / f.TupleCount;
            }
        }
        return Math.Max(measured, PageHeader + LinePointer);
    }

    private static double AlignUp(double length) => Math.Ceiling(Math.Round(length, 6) / MaxAlign) * MaxAlign;
}
