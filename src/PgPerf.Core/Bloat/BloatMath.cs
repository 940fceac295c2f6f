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
        new HashSet<string>(StringComparer.Ordinal) { "NameColumns", "DroppedColumns", "ToastNeverVacuumed", "PaddingHeavy", "SizeFromCatalog", "Deduplicated", "DeadEntries" };

    /// <summary>
    /// Confidence of an estimate from its flags: the same rule as pgperf.table_bloat_estimate() (migration 004), which
    /// must hold it for psql users; BloatRuleSourcesTests holds the two together on real tables.
    /// </summary>
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
    /// pgperf.table_bloat_estimate() (004) computes the same pages in SQL; BloatRuleSourcesTests holds the two together.
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

    // ---- B-tree indexes: the size a REINDEX builds (nbtsort.c), shared by the estimate and pgstatindex. ----

    /// <summary>Ok below this index bloat percentage.</summary>
    public const double IndexWarningPercent = 30;
    /// <summary>Critical at or above this index bloat percentage.</summary>
    public const double IndexCriticalPercent = 50;
    /// <summary>B-tree default leaf fillfactor (internal pages are always built 70 % full).</summary>
    public const int BtreeDefaultFillFactor = 90;
    private const int BtreeInternalFillFactor = 70;
    private const int BtreePageSpecial = 16;
    private const int IndexTupleHeader = 8;
    private const int IndexNullBitmapHeader = 16;

    /// <summary>
    /// Index bloat Status. A B-tree that grows by random inserts settles near 70 % full, about 22 % more pages than
    /// a REINDEX builds at fillfactor 90, so Warning starts above that: Ok under 30 %, Warning from 30 %, Critical from 50 %.
    /// Sizes move by whole pages, so an index that would give back a single page (a tiny or empty index is two pages,
    /// a rebuilt empty one one) is Ok whatever its percentage.
    /// </summary>
    public static string IndexStatus(double bloatPercent, long bloatBytes) =>
        bloatBytes <= BlockSize ? PgHealthStatus.Ok : PgHealthStatus.AtLeast(bloatPercent, IndexWarningPercent, IndexCriticalPercent);

    /// <summary>Bytes of a B-tree page available to entries (page header and the B-tree special space removed).</summary>
    public static int BtreePageCapacity => BlockSize - PageHeader - BtreePageSpecial;

    /// <summary>Bytes a B-tree build fills on a page before it starts the next one (it leaves (100 - fillfactor) % of the block free).</summary>
    public static double BtreeFillBytes(int fillFactor)
    {
        if (fillFactor is < 10 or > 100) throw new ArgumentOutOfRangeException(nameof(fillFactor), fillFactor, "fillfactor is 10 to 100");
        return BtreePageCapacity - Math.Floor(BlockSize * (100 - fillFactor) / 100.0);
    }

    /// <summary>
    /// Average bytes one leaf entry takes: the 8-byte index tuple header (16 when it has a NULL bitmap), the key
    /// columns laid out with their alignment, the whole aligned to 8, and its 4-byte line pointer. Lengths are
    /// pg_attribute.attlen (-1 for varlena), widths pg_stats.avg_width (needed for varlena only); null when a
    /// varlena column's width is unknown. Short varlena values (under 127 bytes) have a 1-byte header and no alignment.
    /// </summary>
    public static double? IndexEntryBytes(IReadOnlyList<int> lengths, IReadOnlyList<int> aligns, IReadOnlyList<double?> widths, IReadOnlyList<double> nullFractions)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(aligns);
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(nullFractions);
        double offset = 0, notNull = 1;
        var fixedLayout = true;
        for (var i = 0; i < lengths.Count; i++)
        {
            var nullFraction = Math.Clamp(nullFractions[i], 0, 1);
            notNull *= 1 - nullFraction;
            double width;
            var align = aligns[i];
            if (lengths[i] > 0)
                width = lengths[i];
            else if (widths[i] is { } w)
            {
                width = w;
                fixedLayout = false;
                if (lengths[i] == -1 && w < 127) align = 1;
            }
            else
                return null;
            if (nullFraction > 0) fixedLayout = false;
            offset = Math.Ceiling(Math.Round(offset, 6) / align) * align + (1 - nullFraction) * width;
        }
        var header = IndexTupleHeader + (1 - notNull) * (IndexNullBitmapHeader - IndexTupleHeader);
        var tuple = fixedLayout ? AlignUp(header + offset) : header + offset + (MaxAlign - 1) / 2.0;
        return tuple + LinePointer;
    }

    /// <summary>
    /// Pages of a freshly built B-tree: the metapage, leaf pages filled to fillfactor (each keeps room for its high
    /// key), and the internal levels built 70 % full, up to one root. Entries of one fixed size fill whole entries
    /// per page; entries of varying size leave half an entry free on average. An empty index is its metapage.
    /// </summary>
    public static long BtreePagesNeeded(double entries, double entryBytes, int fillFactor, bool fixedWidth)
    {
        if (entries <= 0) return 1;
        if (entryBytes <= 0) throw new ArgumentOutOfRangeException(nameof(entryBytes), entryBytes, "an entry takes at least its header");
        var leaves = (long)Math.Ceiling(entries / PerPage(BtreeFillBytes(fillFactor) - entryBytes, entryBytes, fixedWidth));
        return 1 + leaves + BtreeInternalPages(leaves, entryBytes, fixedWidth);
    }

    /// <summary>
    /// Pages a REINDEX builds from what pgstatindex measured: the bytes used on the leaf pages (line pointers,
    /// entries and high keys: leaf_pages x capacity x avg_leaf_density) repacked at fillfactor, plus the internal
    /// levels and the metapage. entryBytes (from the estimate) sizes the internal entries; without it they are
    /// taken as one 8-byte key (internal pages are under 1 % of a B-tree, so the guess hardly matters).
    /// </summary>
    public static long BtreePagesFromStatIndex(long leafPages, double avgLeafDensity, int fillFactor, double? entryBytes)
    {
        if (leafPages <= 0) return 1;
        var used = leafPages * BtreePageCapacity * Math.Clamp(avgLeafDensity, 0, 100) / 100.0;
        var leaves = Math.Max(1, (long)Math.Ceiling(used / BtreeFillBytes(fillFactor)));
        var pivot = entryBytes is > 0 ? entryBytes.Value : IndexTupleHeader + MaxAlign + LinePointer;
        return 1 + leaves + BtreeInternalPages(leaves, pivot, fixedWidth: false);
    }

    /// <summary>
    /// A B-tree build (PostgreSQL 13+) stores equal keys of a non-unique index once, as posting-list tuples: the
    /// key tuple followed by 6-byte heap TIDs, each posting tuple at most a tenth of a page (nbtsort.c's
    /// maxpostingsize). Turns entries of groups equal keys (plain entries of entryBytes with their line pointer)
    /// into the posting tuples a rebuild writes: how many, and their average bytes with line pointer. Groups of
    /// one key are left as plain entries.
    /// </summary>
    public static (double Entries, double EntryBytes) DeduplicatedEntries(double entries, double groups, double entryBytes)
    {
        if (entries <= 0 || groups <= 0 || entryBytes <= 0) return (entries, entryBytes);
        var perGroup = entries / Math.Min(groups, entries);
        if (perGroup < 2) return (entries, entryBytes);
        const int HeapTid = 6;
        var keyTuple = entryBytes - LinePointer;
        var maxPostingBytes = Math.Floor(BlockSize * 10 / 100.0 / MaxAlign) * MaxAlign - LinePointer;
        var tidsPerTuple = Math.Max(2, Math.Floor((maxPostingBytes - keyTuple) / HeapTid));
        var tuplesPerGroup = Math.Ceiling(perGroup / tidsPerTuple);
        // Each posting tuple: the key tuple, its TIDs, half an alignment unit on average, a line pointer.
        var bytesPerGroup = tuplesPerGroup * (keyTuple + (MaxAlign - 1) / 2.0 + LinePointer) + perGroup * HeapTid;
        var groupCount = entries / perGroup;
        return (groupCount * tuplesPerGroup, bytesPerGroup / tuplesPerGroup);
    }

    private static long BtreeInternalPages(long leaves, double pivotBytes, bool fixedWidth)
    {
        var fanout = Math.Max(2, PerPage(BtreeFillBytes(BtreeInternalFillFactor), pivotBytes, fixedWidth));
        long total = 0;
        for (var level = leaves; level > 1;)
        {
            level = (long)Math.Ceiling(level / fanout);
            total += level;
        }
        return total;
    }

    private static double PerPage(double bytes, double entryBytes, bool fixedWidth)
    {
        var perPage = bytes / entryBytes;
        return Math.Max(1, fixedWidth ? Math.Floor(perPage) + 1 : perPage + 0.5);
    }
}
