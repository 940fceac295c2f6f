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
            var receiverRow = await connection.QuerySingleOrDefaultAsync<ReceiverRow>(new CommandDefinition(
                SqlResources.Get("queries/health_replication_receiver.sql"), transaction: transaction, cancellationToken: cancellationToken));
            var standbyRows = await connection.QueryAsync<StandbyRow>(new CommandDefinition(
                SqlResources.Get("queries/health_replication_standbys.sql"), transaction: transaction, cancellationToken: cancellationToken));
            var slotRows = await connection.QueryAsync<SlotRow>(new CommandDefinition(
                SqlResources.Get("queries/health_replication_slots.sql"), transaction: transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);

            var now = DateTimeOffset.UtcNow;
            var receiver = receiverRow is null ? null : Stamp(receiverRow.ToRecord(), r => ReplicationRules.Judge(r, thresholds), now);
            var standbys = standbyRows.Select(r => Stamp(r.ToRecord(), s => ReplicationRules.Judge(s, thresholds), now)).ToList();
            var slots = slotRows.Select(r => Stamp(r.ToRecord(), s => ReplicationRules.Judge(s, thresholds), now)).ToList();
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

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

#pragma warning disable IDE1006, CA1707 // names follow the SQL columns so Dapper maps them
    private sealed class StandbyRow
    {
        public int pid { get; set; }
        public string application_name { get; set; } = "";
        public string? client_address { get; set; }
        public string state { get; set; } = "";
        public string? sync_state { get; set; }
        public string? sent_lsn { get; set; }
        public string? write_lsn { get; set; }
        public string? flush_lsn { get; set; }
        public string? replay_lsn { get; set; }
        public long? replay_lag_bytes { get; set; }
        public double? replay_lag_seconds { get; set; }
        public double? write_lag_seconds { get; set; }
        public double? flush_lag_seconds { get; set; }
        public string? slot_name { get; set; }
        public DateTime? backend_start { get; set; }

        public PgReplicationStandby ToRecord() => new()
        {
            Pid = pid, ApplicationName = application_name, ClientAddress = client_address, State = state, SyncState = sync_state,
            SentLsn = sent_lsn, WriteLsn = write_lsn, FlushLsn = flush_lsn, ReplayLsn = replay_lsn,
            ReplayLagBytes = replay_lag_bytes, ReplayLagSeconds = replay_lag_seconds, WriteLagSeconds = write_lag_seconds,
            FlushLagSeconds = flush_lag_seconds, SlotName = slot_name, BackendStart = Utc(backend_start),
        };
    }

    private sealed class SlotRow
    {
        public string slot_name { get; set; } = "";
        public string slot_type { get; set; } = "";
        public string? plugin { get; set; }
        public string? database { get; set; }
        public bool active { get; set; }
        public int? active_pid { get; set; }
        public bool temporary { get; set; }
        public string? restart_lsn { get; set; }
        public string? confirmed_flush_lsn { get; set; }
        public long retained_wal_bytes { get; set; }
        public string? wal_status { get; set; }
        public long? safe_wal_bytes { get; set; }

        public PgReplicationSlot ToRecord() => new()
        {
            SlotName = slot_name, SlotType = slot_type, Plugin = plugin, Database = database, Active = active, ActivePid = active_pid,
            Temporary = temporary, RestartLsn = restart_lsn, ConfirmedFlushLsn = confirmed_flush_lsn, RetainedWalBytes = retained_wal_bytes,
            WalStatus = wal_status, SafeWalBytes = safe_wal_bytes,
        };
    }

    private sealed class ReceiverRow
    {
        public string state { get; set; } = "";
        public string? sender_host { get; set; }
        public int? sender_port { get; set; }
        public string? slot_name { get; set; }
        public string? primary_lsn { get; set; }
        public string? received_lsn { get; set; }
        public string? replay_lsn { get; set; }
        public long? receive_lag_bytes { get; set; }
        public long? replay_lag_bytes { get; set; }
        public double? replay_lag_seconds { get; set; }
        public double? last_message_age_seconds { get; set; }
        public bool replay_paused { get; set; }
        public DateTime? last_replayed_at { get; set; }

        public PgReplicationReceiver ToRecord() => new()
        {
            State = state, SenderHost = sender_host, SenderPort = sender_port, SlotName = slot_name, PrimaryLsn = primary_lsn,
            ReceivedLsn = received_lsn, ReplayLsn = replay_lsn, ReceiveLagBytes = receive_lag_bytes, ReplayLagBytes = replay_lag_bytes,
            ReplayLagSeconds = replay_lag_seconds, LastMessageAgeSeconds = last_message_age_seconds, ReplayPaused = replay_paused,
            LastReplayedAt = Utc(last_replayed_at),
        };
    }
#pragma warning restore IDE1006, CA1707
}
