namespace PgPerf;

/// <summary>Base of the rows Get-PgReplicationStatus writes: which kind of row it is and its Status (Ok, Warning, Critical).</summary>
public abstract class PgReplicationRow : PgServerRecord
{
    /// <summary>Standby (a walsender on this server, or a physical slot nobody streams from), Slot, or Receiver (this server is a standby).</summary>
    public abstract string Kind { get; }
    /// <summary>Ok, Warning or Critical.</summary>
    public string Status { get; set; } = PgHealthStatus.Ok;
    /// <summary>Why the status is not Ok (empty when it is).</summary>
    public string Reason { get; set; } = "";
    public DateTimeOffset MeasuredAt { get; set; }
}

/// <summary>
/// One standby streaming from this server (pg_stat_replication), or one whose physical slot has no walsender
/// (State 'disconnected': the standby is gone, stopped or cut off, and the slot keeps WAL for it).
/// </summary>
public sealed class PgReplicationStandby : PgReplicationRow
{
    public override string Kind => "Standby";
    /// <summary>The walsender's pid; 0 for a disconnected standby.</summary>
    public int Pid { get; set; }
    /// <summary>application_name of the standby's connection (its cluster_name or walreceiver); the slot name when disconnected.</summary>
    public string ApplicationName { get; set; } = "";
    public string? ClientAddress { get; set; }
    /// <summary>streaming, catchup, startup, backup, stopping; 'disconnected' for a slot without a walsender.</summary>
    public string State { get; set; } = "";
    /// <summary>async, potential, sync or quorum; null when disconnected.</summary>
    public string? SyncState { get; set; }
    public string? SentLsn { get; set; }
    public string? WriteLsn { get; set; }
    public string? FlushLsn { get; set; }
    /// <summary>What the standby has replayed; for a disconnected standby, the slot's restart_lsn.</summary>
    public string? ReplayLsn { get; set; }
    /// <summary>WAL bytes between this server's current position and what the standby replayed (for a disconnected standby: what its slot keeps).</summary>
    public long? ReplayLagBytes { get; set; }
    /// <summary>pg_stat_replication.replay_lag in seconds; 0 when the standby has replayed everything; null when unknown.</summary>
    public double? ReplayLagSeconds { get; set; }
    public double? WriteLagSeconds { get; set; }
    public double? FlushLagSeconds { get; set; }
    public string? SlotName { get; set; }
    public DateTimeOffset? BackendStart { get; set; }

    public override string ToString() => ApplicationName;
}

/// <summary>One replication slot (pg_replication_slots) and the WAL it keeps on this server.</summary>
public sealed class PgReplicationSlot : PgReplicationRow
{
    public override string Kind => "Slot";
    public string SlotName { get; set; } = "";
    /// <summary>physical or logical.</summary>
    public string SlotType { get; set; } = "";
    /// <summary>The logical decoding plugin; null for physical slots.</summary>
    public string? Plugin { get; set; }
    /// <summary>The database of a logical slot; null for physical slots.</summary>
    public string? Database { get; set; }
    public bool Active { get; set; }
    public int? ActivePid { get; set; }
    public bool Temporary { get; set; }
    public string? RestartLsn { get; set; }
    public string? ConfirmedFlushLsn { get; set; }
    /// <summary>WAL bytes the server keeps for this slot (current position minus restart_lsn); 0 when the slot reserves nothing yet.</summary>
    public long RetainedWalBytes { get; set; }
    /// <summary>reserved, extended, unreserved or lost (PostgreSQL 13+): unreserved means the WAL may be removed at the next checkpoint, lost that it was.</summary>
    public string? WalStatus { get; set; }
    /// <summary>Bytes that can still be written before the slot's WAL is removed (max_slot_wal_keep_size); null when unlimited.</summary>
    public long? SafeWalBytes { get; set; }

    public override string ToString() => SlotName;
}

/// <summary>This server is a standby: what it has received and replayed from its primary.</summary>
public sealed class PgReplicationReceiver : PgReplicationRow
{
    public override string Kind => "Receiver";
    /// <summary>pg_stat_wal_receiver.status (streaming, waiting, starting, stopping, ...); 'stopped' when no WAL receiver runs.</summary>
    public string State { get; set; } = "";
    public string? SenderHost { get; set; }
    public int? SenderPort { get; set; }
    public string? SlotName { get; set; }
    /// <summary>The primary's end of WAL as of its last message.</summary>
    public string? PrimaryLsn { get; set; }
    public string? ReceivedLsn { get; set; }
    public string? ReplayLsn { get; set; }
    /// <summary>WAL bytes the primary had that this standby had not yet received (as of the primary's last message).</summary>
    public long? ReceiveLagBytes { get; set; }
    /// <summary>WAL bytes received but not yet replayed.</summary>
    public long? ReplayLagBytes { get; set; }
    /// <summary>Age of the last replayed transaction while there is WAL left to replay; 0 when everything received is replayed.</summary>
    public double? ReplayLagSeconds { get; set; }
    /// <summary>Seconds since the last message from the primary.</summary>
    public double? LastMessageAgeSeconds { get; set; }
    public bool ReplayPaused { get; set; }
    public DateTimeOffset? LastReplayedAt { get; set; }
}

/// <summary>Everything Get-PgReplicationStatus reports for one server.</summary>
public sealed record PgReplicationReport(
    PgReplicationReceiver? Receiver,
    IReadOnlyList<PgReplicationStandby> Standbys,
    IReadOnlyList<PgReplicationSlot> Slots);

/// <summary>Thresholds of the replication statuses (Get-PgReplicationStatus and the health check share them).</summary>
public sealed record PgReplicationThresholds
{
    public double LagWarningSeconds { get; init; } = ReplicationRules.DefaultLagWarningSeconds;
    public double LagCriticalSeconds { get; init; } = ReplicationRules.DefaultLagCriticalSeconds;
    public long LagWarningBytes { get; init; } = ReplicationRules.DefaultLagWarningBytes;
    public long LagCriticalBytes { get; init; } = ReplicationRules.DefaultLagCriticalBytes;
    /// <summary>An inactive slot keeping at least this much WAL is Warning.</summary>
    public long SlotWarningBytes { get; init; } = ReplicationRules.DefaultSlotWarningBytes;
    /// <summary>A slot (active or not) keeping at least this much WAL is Critical.</summary>
    public long SlotCriticalBytes { get; init; } = ReplicationRules.DefaultSlotCriticalBytes;
}

/// <summary>Replication as this server sees it now (Get-PgReplicationStatus, the health check).</summary>
public interface IReplicationService
{
    /// <summary>Standbys, slots and (on a standby) the receiver, each with its Status against the thresholds.</summary>
    PgReplicationReport Read(PgReplicationThresholds thresholds, CancellationToken cancellationToken);
}
