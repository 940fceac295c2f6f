using Dapper;

namespace PgPerf.Engine.Health;

/// <summary>Get-PgReplicationStatus: standbys, slots and (on a standby) the receiver, read in one transaction.</summary>
internal sealed class ReplicationService : IReplicationService
{
    private readonly PgServerContext _context;

    public ReplicationService(PgServerContext context) => _context = context;

    public PgReplicationReport Read(PgReplicationThresholds thresholds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return _context.Run(async connection =>
        {
            // One snapshot of the statistics for all three reads, so the rows agree with each other.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            // The queries name their columns after the output properties, so Dapper fills the public rows directly
            // (timestamptz arrives as a UTC DateTime and converts to DateTimeOffset at offset 0).
            var receiverRow = await connection.QuerySingleOrDefaultAsync<PgReplicationReceiver>(new CommandDefinition(
                SqlResources.Get("queries/health_replication_receiver.sql"), transaction: transaction, cancellationToken: cancellationToken));
            var standbyRows = await connection.QueryAsync<PgReplicationStandby>(new CommandDefinition(
                SqlResources.Get("queries/health_replication_standbys.sql"), transaction: transaction, cancellationToken: cancellationToken));
            var slotRows = await connection.QueryAsync<PgReplicationSlot>(new CommandDefinition(
                SqlResources.Get("queries/health_replication_slots.sql"), transaction: transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);

            var now = DateTimeOffset.UtcNow;
            var receiver = receiverRow is null ? null : Stamp(receiverRow, r => ReplicationRules.Judge(r, thresholds), now);
            var standbys = standbyRows.Select(r => Stamp(r, s => ReplicationRules.Judge(s, thresholds), now)).ToList();
            var slots = slotRows.Select(r => Stamp(r, s => ReplicationRules.Judge(s, thresholds), now)).ToList();
            return new PgReplicationReport(receiver, standbys, slots);
        }, cancellationToken);
    }

    private T Stamp<T>(T row, Func<T, (string Status, string Reason)> judge, DateTimeOffset now) where T : PgReplicationRow
    {
        (row.Status, row.Reason) = judge(row);
        row.MeasuredAt = now;
        row.From(_context.Info);
        return row;
    }
}
