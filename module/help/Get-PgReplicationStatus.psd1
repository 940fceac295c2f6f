@{
    Synopsis    = 'Reports replication now: standbys and their lag, replication slots and the WAL they keep, and on a standby its own lag.'
    Description = @'
Get-PgReplicationStatus reads the server's replication views in one snapshot and writes three kinds of rows, each with a Status (Ok, Warning or Critical) and a Reason when it is not Ok:

Receiver (PgReplicationReceiver), only when the server is a standby: State of its WAL receiver (streaming, or stopped when none runs), ReceiveLagBytes (WAL the primary had, as of its last message, that this standby had not yet received), ReplayLagBytes (received but not yet replayed), ReplayLagSeconds (age of the last replayed transaction while WAL is waiting to be replayed; 0 when everything received is replayed, so an idle primary does not look like lag), LastMessageAgeSeconds and ReplayPaused. A standby that does not stream is Critical; paused replay is a Warning.

Standby (PgReplicationStandby), one per walsender on this server (pg_stat_replication): ApplicationName, ClientAddress, State, SyncState, SentLsn, WriteLsn, FlushLsn, ReplayLsn, ReplayLagBytes (from this server's current WAL position), ReplayLagSeconds (replay_lag; 0 once the standby has replayed everything), and the slot it uses. A physical slot that no walsender uses gives a Standby row with State 'disconnected' and Status Critical: its standby is stopped or cut off, and ReplayLagBytes is the WAL its slot keeps. A standby that is gone and used no slot leaves no trace on the primary; give every standby a slot (pg_basebackup -C -S name) to see it here.

Slot (PgReplicationSlot), one per replication slot: SlotName, SlotType, Active, RetainedWalBytes (WAL the server keeps for it), WalStatus and SafeWalBytes. An inactive slot that reserves WAL is a Warning (nothing consumes it, so it only grows and can fill the disk); a slot keeping -SlotCriticalMB or more, or whose wal_status is unreserved or lost, is Critical.

Lag is judged in seconds and in bytes; the worse of the two wins. Defaults: Warning at 60 s or 128 MB, Critical at 300 s or 1024 MB; slots Critical at 5120 MB. Invoke-PgHealthCheck uses the same rules.

Works as a member of pg_monitor (the pgperf_monitor role); no superuser and no pgperf schema needed.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        Kind               = 'Only these kinds of rows: Receiver, Standby, Slot. All when omitted.'
        LagWarningSeconds  = 'Replay lag in seconds at which a standby (or this standby) is Warning. Default 60.'
        LagCriticalSeconds = 'Replay lag in seconds at which a standby is Critical. Default 300.'
        LagWarningMB       = 'WAL a standby is behind, in megabytes, at which it is Warning. Default 128.'
        LagCriticalMB      = 'WAL a standby is behind, in megabytes, at which it is Critical. Default 1024.'
        SlotWarningMB      = 'WAL an inactive slot keeps, in megabytes, at which it is Warning. Default 0: every inactive slot that reserves WAL is flagged.'
        SlotCriticalMB     = 'WAL a slot (active or not) keeps, in megabytes, at which it is Critical. Default 5120.'
    }
    Examples    = @(
        @{
            Title   = 'What is wrong with replication'
            Code    = 'Get-PgReplicationStatus -Connection db1 | Where-Object Status -ne Ok | Format-List Kind, ApplicationName, SlotName, Status, Reason'
            Remarks = 'Lists only the standbys, slots or the receiver that need attention, with the reason for each.'
        }
        @{
            Title   = 'Slots holding WAL on the primary'
            Code    = 'Get-PgReplicationStatus -Kind Slot -SlotCriticalMB 2048 | Sort-Object RetainedWalBytes -Descending'
            Remarks = 'Shows every slot with the WAL it keeps; inactive ones are Warning, those keeping 2 GB or more Critical. Drop a slot nobody needs with SELECT pg_drop_replication_slot(''name'').'
        }
        @{
            Title   = 'Lag of a standby, asked on the standby itself'
            Code    = 'Get-PgReplicationStatus -Connection replica1 -Kind Receiver | Format-List State, ReceiveLagBytes, ReplayLagBytes, ReplayLagSeconds, Status, Reason'
            Remarks = 'On a standby the Receiver row says whether it streams and how far it is behind its primary.'
        }
    )
    Outputs     = @('PgPerf.PgReplicationReceiver', 'PgPerf.PgReplicationStandby', 'PgPerf.PgReplicationSlot')
    Links       = @('Invoke-PgHealthCheck')
}
