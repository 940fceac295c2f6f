namespace PgPerf.Engine.Statements;

/// <summary>
/// The daily partitions of pgperf.statement_history (migration 014): each capture creates its own day, retention
/// drops whole days (no dead rows, almost no WAL).
/// </summary>
internal sealed class StatementPartitions
{
    internal const string Table = "pgperf.statement_history";

    private readonly PgServerContext _context;

    public StatementPartitions(PgServerContext context) => _context = context;

    /// <summary>Drops every daily partition whose whole day is before the cutoff; returns the rows they held and how many were dropped.</summary>
    public (long Rows, int Dropped) DropBefore(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        DayPartitions.DropBefore(_context, "queries/statements_old_partitions.sql", "queries/statements_drop_partition.sql",
            table: null, cutoff, cancellationToken);
}
