using Dapper;

namespace PgPerf.Engine.Bloat;

/// <summary>
/// B-tree index bloat. Both methods end in the same maths (BloatMath): the estimate sizes the entries from the
/// catalog and pg_stats, Exact takes the bytes pgstatindex finds on the leaf pages; either is repacked the way
/// a REINDEX builds the index and compared with its size now.
/// </summary>
internal sealed class IndexBloatService : IIndexBloatService
{
    private readonly PgServerContext _context;
    private readonly BloatService _tables;

    public IndexBloatService(PgServerContext context)
    {
        _context = context;
        _tables = new BloatService(context);
    }

    public IReadOnlyList<PgIndexBloat> Estimate(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var rows = await connection.QueryAsync<EstimateRow>(new CommandDefinition(
                SqlResources.Get("queries/health_index_bloat_estimate.sql"), commandTimeout: 300, cancellationToken: cancellationToken));
            var now = DateTimeOffset.UtcNow;
            return (IReadOnlyList<PgIndexBloat>)rows.Select(r => ToRecord(r, now)).ToList();
        }, cancellationToken);

    public void EnsurePgstattuple(CancellationToken cancellationToken) => _tables.EnsurePgstattuple(cancellationToken);

    public PgIndexBloat Measure(PgIndexBloat index, int lockTimeoutMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        var schema = _tables.ExtensionSchema(cancellationToken) ?? throw _tables.ExtensionMissing();
        StatIndexRow row;
        try
        {
            row = _context.Run(async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // Wait only briefly for an index someone holds an exclusive lock on (REINDEX, DROP INDEX).
                await LockTimeout.SetLocalAsync(connection, transaction, lockTimeoutMs, cancellationToken);
                var oid = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    SqlResources.Get("queries/relation_oid.sql"), new { name = index.QualifiedName }, transaction, cancellationToken: cancellationToken))
                    ?? throw IndexNotFound(index);
                // The extension's schema comes from the catalog, never from the user.
                var measured = await connection.QuerySingleAsync<StatIndexRow>(new CommandDefinition(
                    SqlResources.WithNames("queries/index_pgstatindex.sql", ("pgstatindex", schema, "pgstatindex")),
                    new { oid }, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                return measured;
            }, cancellationToken);
        }
        catch (PgPerfException ex) when (ex.ErrorId == PgPerfErrorIds.PermissionDenied)
        {
            throw _tables.PermissionHint(ex);
        }

        var density = double.IsNaN(row.avg_leaf_density) ? 0 : row.avg_leaf_density;
        var entryBytes = index.EntryBytes > 0 ? index.EntryBytes : (double?)null;
        var expected = BloatMath.BtreePagesFromStatIndex(row.leaf_pages, density, index.FillFactor, entryBytes) * BloatMath.BlockSize;
        // pgstatindex cannot tell dead entries from live ones: until VACUUM removes them they count as used.
        var flags = index.Flags.Where(f => f is "DeadEntries").ToArray();
        var record = Figures(index, row.index_size, expected, PgBloatMethod.Exact, flags);
        record.LeafDensity = Math.Round(density, 2);
        record.Confidence = BloatMath.Confidence(flags);
        return record;
    }

    private PgIndexBloat ToRecord(EstimateRow r, DateTimeOffset now)
    {
        var widths = r.widths.Select(w => w < 0 ? (double?)null : w).ToList();
        var entryBytes = BloatMath.IndexEntryBytes(r.lengths, r.aligns, widths, r.null_fracs);
        var fixedWidth = r.lengths.All(l => l > 0) && r.null_fracs.All(n => n == 0);
        var flags = new List<string>();
        if (entryBytes is null)
            flags.Add(r.can_read ? "NoStats" : "NoStatsAccess");
        if (r.index_tuples is null)
            flags.Add("NoStats");
        if (entryBytes is not null && r.index_tuples is not null && r.table_mod > Math.Max(50, 0.1 * r.table_live))
            flags.Add("StaleStats");
        if (r.table_dead > Math.Max(50, 0.1 * r.table_live))
            flags.Add("DeadEntries");
        if (r.is_locked)
            flags.Add("SizeFromCatalog");
        if (Groups(r) is not null)
            flags.Add("Deduplicated");
        var distinctFlags = flags.Distinct().ToArray();

        // Without a size per entry or an entry count there is nothing to compare with: report no bloat, Low confidence.
        var expected = r.index_bytes;
        if (entryBytes is { } bytes && r.index_tuples is { } entries)
        {
            // Repeated keys: a rebuild stores each group once (posting lists).
            double stored = entries, storedBytes = bytes;
            var sameSize = fixedWidth;
            if (Groups(r) is { } groups)
            {
                (stored, storedBytes) = BloatMath.DeduplicatedEntries(entries, groups, bytes);
                sameSize = false;
            }
            expected = BloatMath.BtreePagesNeeded(stored, storedBytes, r.fillfactor, sameSize) * BloatMath.BlockSize;
        }
        var record = Figures(new PgIndexBloat
        {
            Schema = r.schemaname, Table = r.tablename, Index = r.indexname, IsUnique = r.is_unique, FillFactor = r.fillfactor,
            Entries = r.index_tuples is { } t ? (long)Math.Round(t) : null, EntryBytes = Math.Round(entryBytes ?? 0, 1),
            IndexOid = r.oid, FixedWidth = fixedWidth, MeasuredAt = now,
        }, r.index_bytes, expected, PgBloatMethod.Estimate, distinctFlags);
        return record;
    }

    // Repeated keys of a non-unique single-column index are stored once per group by a rebuild (deduplication,
    // PostgreSQL 13+). The groups come from pg_stats.n_distinct (negative: a share of the rows); null when the
    // index is not deduplicated or has no repeated keys. Several columns: their combined distinct count is unknown.
    private static double? Groups(EstimateRow r)
    {
        if (r.is_unique || !r.deduplicate || r.key_columns != 1 || r.all_columns != 1 || r.first_n_distinct is not { } distinct
            || r.index_tuples is not { } entries || entries <= 0 || distinct == 0)
            return null;
        var groups = distinct < 0 ? -distinct * entries : distinct;
        return groups > 0 && entries / groups >= 2 ? groups : null;
    }

    private PgIndexBloat Figures(PgIndexBloat source, long indexBytes, long expectedBytes, PgBloatMethod method, string[] flags)
    {
        var bloat = Math.Clamp(indexBytes - expectedBytes, 0, Math.Max(indexBytes, 0));
        var percent = BloatMath.Percent(bloat, indexBytes);
        var record = new PgIndexBloat
        {
            Schema = source.Schema, Table = source.Table, Index = source.Index, IsUnique = source.IsUnique, FillFactor = source.FillFactor,
            Entries = source.Entries, EntryBytes = source.EntryBytes, IndexOid = source.IndexOid, FixedWidth = source.FixedWidth,
            IndexBytes = indexBytes, BloatBytes = bloat, ExpectedBytes = indexBytes - bloat, BloatPercent = percent,
            Status = BloatMath.IndexStatus(percent, bloat), Method = method, Flags = flags, Confidence = BloatMath.Confidence(flags),
            MeasuredAt = method == PgBloatMethod.Estimate ? source.MeasuredAt : DateTimeOffset.UtcNow,
        };
        record.From(_context.Info);
        return record;
    }

    private PgPerfException IndexNotFound(PgIndexBloat index) =>
        new(PgPerfErrorIds.Bloat.IndexNotFound, PgPerfErrorKind.ObjectNotFound,
            $"Index {index.QualifiedName} does not exist in database {_context.Info.Database ?? "(default)"} on {_context.Info.Server} (dropped since the estimate?).",
            index.QualifiedName) { ParameterName = "Index" };

#pragma warning disable IDE1006, CA1707 // names follow the SQL columns so Dapper maps them
    private sealed class EstimateRow
    {
        public long oid { get; set; }
        public string schemaname { get; set; } = "";
        public string tablename { get; set; } = "";
        public string indexname { get; set; } = "";
        public bool is_unique { get; set; }
        public bool is_partial { get; set; }
        public int key_columns { get; set; }
        public int all_columns { get; set; }
        public int fillfactor { get; set; }
        public bool deduplicate { get; set; }
        public bool is_locked { get; set; }
        public long index_bytes { get; set; }
        public bool can_read { get; set; }
        public double? index_tuples { get; set; }
        public double table_mod { get; set; }
        public double table_live { get; set; }
        public double table_dead { get; set; }
        public int[] lengths { get; set; } = Array.Empty<int>();
        public int[] aligns { get; set; } = Array.Empty<int>();
        public double[] widths { get; set; } = Array.Empty<double>();
        public double[] null_fracs { get; set; } = Array.Empty<double>();
        public bool has_expression { get; set; }
        public double? first_n_distinct { get; set; }
    }

    private sealed class StatIndexRow
    {
        public long index_size { get; set; }
        public long leaf_pages { get; set; }
        public long internal_pages { get; set; }
        public long empty_pages { get; set; }
        public long deleted_pages { get; set; }
        public double avg_leaf_density { get; set; }
    }
#pragma warning restore IDE1006, CA1707
}
