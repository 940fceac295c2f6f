namespace PgPerf;

/// <summary>
/// The replication statuses: one place for their thresholds and rules, free of I/O so they can be tested alone.
/// Lag is judged in time and in bytes (the worse wins): seconds say how stale reads on the standby are, bytes how
/// much WAL the primary must keep and the standby must still replay.
/// </summary>
public static class ReplicationRules
{
    public const double DefaultLagWarningSeconds = 60;
    public const double DefaultLagCriticalSeconds = 300;
    public const long DefaultLagWarningBytes = 128L * 1024 * 1024;
    public const long DefaultLagCriticalBytes = 1024L * 1024 * 1024;
    /// <summary>0: every inactive slot that reserves WAL is flagged (nothing consumes it, so it only grows).</summary>
    public const long DefaultSlotWarningBytes = 0;
    public const long DefaultSlotCriticalBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>Status of a standby seen from its primary.</summary>
    public static (string Status, string Reason) Judge(PgReplicationStandby standby, PgReplicationThresholds limits)
    {
        ArgumentNullException.ThrowIfNull(standby);
        ArgumentNullException.ThrowIfNull(limits);
        if (standby.State == "disconnected")
            return (PgHealthStatus.Critical, $"no standby streams from physical slot {standby.SlotName}: it is stopped or cut off, and the slot keeps {Bytes(standby.ReplayLagBytes ?? 0)} of WAL for it");
        var lag = Lag(standby.ReplayLagSeconds, standby.ReplayLagBytes, limits, "replay lag");
        if (lag.Status != PgHealthStatus.Ok || standby.State == "streaming")
            return lag;
        return (PgHealthStatus.Warning, $"state is {standby.State}, not streaming");
    }

    /// <summary>Status of a replication slot: an inactive slot keeping WAL is flagged, one about to lose (or that lost) its WAL is Critical.</summary>
    public static (string Status, string Reason) Judge(PgReplicationSlot slot, PgReplicationThresholds limits)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(limits);
        var owner = slot.Active ? "active" : "inactive";
        if (slot.WalStatus == "lost")
            return (PgHealthStatus.Critical, $"{owner} slot lost WAL its consumer still needs (wal_status lost): the consumer cannot resume from it");
        if (slot.WalStatus == "unreserved")
            return (PgHealthStatus.Critical, $"{owner} slot is past max_slot_wal_keep_size (wal_status unreserved): its WAL goes at the next checkpoint");
        if (slot.RetainedWalBytes >= limits.SlotCriticalBytes)
            return (PgHealthStatus.Critical, $"{owner} slot keeps {Bytes(slot.RetainedWalBytes)} of WAL (critical at {Bytes(limits.SlotCriticalBytes)})");
        if (!slot.Active && slot.RestartLsn is not null && slot.RetainedWalBytes >= limits.SlotWarningBytes)
            return (PgHealthStatus.Warning, $"inactive slot keeps {Bytes(slot.RetainedWalBytes)} of WAL and nothing consumes it");
        return (PgHealthStatus.Ok, "");
    }

    /// <summary>Status of this server as a standby: not streaming is Critical, paused replay a Warning, then its lag.</summary>
    public static (string Status, string Reason) Judge(PgReplicationReceiver receiver, PgReplicationThresholds limits)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(limits);
        if (receiver.State != "streaming")
            return (PgHealthStatus.Critical, $"the WAL receiver is {receiver.State}: this standby does not stream from its primary");
        var behind = receiver.ReceiveLagBytes is null && receiver.ReplayLagBytes is null
            ? (long?)null
            : (receiver.ReceiveLagBytes ?? 0) + (receiver.ReplayLagBytes ?? 0);
        var lag = Lag(receiver.ReplayLagSeconds, behind, limits, "behind its primary");
        if (lag.Status == PgHealthStatus.Ok && receiver.LastMessageAgeSeconds >= limits.LagWarningSeconds)
            lag = (PgHealthStatus.Warning, $"no message from the primary for {receiver.LastMessageAgeSeconds:0} s");
        if (lag.Status == PgHealthStatus.Ok && receiver.ReplayPaused)
            return (PgHealthStatus.Warning, "replay is paused (pg_wal_replay_resume() resumes it)");
        return lag;
    }

    /// <summary>The worse of the time and byte judgements.</summary>
    public static (string Status, string Reason) Lag(double? seconds, long? bytes, PgReplicationThresholds limits, string what)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var text = $"{what} {(seconds is { } s ? $"{s:0.#} s" : "unknown time")}, {(bytes is { } b ? Bytes(b) : "unknown bytes")}";
        if (seconds >= limits.LagCriticalSeconds || bytes >= limits.LagCriticalBytes)
            return (PgHealthStatus.Critical, $"{text} (critical at {limits.LagCriticalSeconds:0} s or {Bytes(limits.LagCriticalBytes)})");
        if (seconds >= limits.LagWarningSeconds || bytes >= limits.LagWarningBytes)
            return (PgHealthStatus.Warning, $"{text} (warning at {limits.LagWarningSeconds:0} s or {Bytes(limits.LagWarningBytes)})");
        return (PgHealthStatus.Ok, "");
    }

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024 * 1024):0.#} GB",
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024.0:0.#} kB",
        _ => $"{bytes} bytes",
    };

    /// <summary>replication_lag: every standby seen from this server and, on a standby, its own receiver; value = bytes behind.</summary>
    public static IEnumerable<PgHealthFinding> LagFindings(PgReplicationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Receiver is { } r)
            yield return new PgHealthFinding($"this standby (from {r.SenderHost}:{r.SenderPort})", (r.ReceiveLagBytes ?? 0) + (r.ReplayLagBytes ?? 0), r.Status,
                r.Status == PgHealthStatus.Ok ? $"this standby streams; {r.ReplayLagSeconds:0.#} s of replay lag" : $"this standby: {r.Reason}", "receiver");
        foreach (var s in report.Standbys.OrderByDescending(s => s.ReplayLagBytes))
        {
            var name = s.State == "disconnected" ? $"slot {s.SlotName}" : $"{s.ApplicationName}@{s.ClientAddress ?? "local"}";
            yield return new PgHealthFinding($"standby {name}", s.ReplayLagBytes, s.Status,
                s.Status == PgHealthStatus.Ok ? $"standby {name} {s.State}, replay lag {s.ReplayLagSeconds:0.#} s" : $"standby {name}: {s.Reason}",
                // The slot survives reconnects; a standby without one is known by its name and address.
                s.SlotName ?? name);
        }
    }

    /// <summary>inactive_slot: every replication slot; value = the WAL it keeps.</summary>
    public static IEnumerable<PgHealthFinding> SlotFindings(PgReplicationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Slots.OrderByDescending(s => s.RetainedWalBytes).Select(s => new PgHealthFinding($"slot {s.SlotName}", s.RetainedWalBytes, s.Status,
            s.Status == PgHealthStatus.Ok ? $"slot {s.SlotName} ({s.SlotType}, {(s.Active ? "active" : "inactive")}) keeps {Bytes(s.RetainedWalBytes)} of WAL" : $"slot {s.SlotName} ({s.SlotType}): {s.Reason}",
            s.SlotName));
    }
}
