namespace PgPerf;

/// <summary>One session in pg_stat_activity (Get-PgActivity).</summary>
public sealed class PgSessionActivity : PgServerRecord
{
    public int Pid { get; set; }
    public string? Database { get; set; }
    public string? User { get; set; }
    public string? Application { get; set; }
    public string? ClientAddress { get; set; }
    /// <summary>active, idle, idle in transaction, idle in transaction (aborted), fastpath function call, disabled.</summary>
    public string? State { get; set; }
    /// <summary>client backend, autovacuum worker, walsender, ...</summary>
    public string? BackendType { get; set; }
    public DateTimeOffset? BackendStart { get; set; }
    public DateTimeOffset? QueryStart { get; set; }
    /// <summary>Seconds in the current state: since QueryStart while active, since the last state change otherwise.</summary>
    public double? DurationSeconds { get; set; }
    public DateTimeOffset? XactStart { get; set; }
    /// <summary>Seconds since the open transaction began; null outside a transaction.</summary>
    public double? TransactionSeconds { get; set; }
    public string? WaitEventType { get; set; }
    public string? WaitEvent { get; set; }
    /// <summary>The sessions this one waits for (pg_blocking_pids); empty unless it waits for a lock.</summary>
    public PgList<int> BlockedBy { get; set; } = PgList<int>.None;
    public string? Query { get; set; }

    public override string ToString() => $"{Pid} {State}";
}

/// <summary>One session waiting for a lock (Get-PgBlocking).</summary>
public sealed class PgBlockingSession : PgServerRecord
{
    public int BlockedPid { get; set; }
    /// <summary>The session it waits for; of several, one that is not itself waiting (the holder).</summary>
    public int BlockingPid { get; set; }
    /// <summary>Every session it waits for (pg_blocking_pids).</summary>
    public PgList<int> BlockingPids { get; set; } = PgList<int>.None;
    /// <summary>The head of the chain: the session that waits for nobody; the one to stop to free the chain.</summary>
    public int? RootBlockingPid { get; set; }
    /// <summary>How many waits lie between this session and the root (1 = the root blocks it directly).</summary>
    public int ChainDepth { get; set; }
    public double WaitSeconds { get; set; }
    public string? LockType { get; set; }
    public string? LockMode { get; set; }
    /// <summary>The table (or other relation) of the lock; null for row locks (transactionid waits).</summary>
    public string? Relation { get; set; }
    public string? Database { get; set; }
    public string? BlockedUser { get; set; }
    public string? BlockedQuery { get; set; }
    public string? BlockingUser { get; set; }
    public string? BlockingQuery { get; set; }
    public string? BlockingState { get; set; }
    /// <summary>Seconds since the blocking session's transaction began.</summary>
    public double? BlockingTransactionSeconds { get; set; }

    /// <summary>So Stop-PgSession -Pid binds the blocker from the pipeline (stop the cause, not the victim).</summary>
    public int Pid => BlockingPid;

    public override string ToString() => $"{BlockedPid} <- {BlockingPid}";
}

/// <summary>What Stop-PgSession did.</summary>
public sealed class PgSessionStopResult : PgServerRecord
{
    public int Pid { get; set; }
    /// <summary>Cancel (pg_cancel_backend) or Terminate (pg_terminate_backend).</summary>
    public string Action { get; set; } = "";
    /// <summary>False when the server found no such backend (it ended in the meantime).</summary>
    public bool Signalled { get; set; }
    public string? User { get; set; }
    public string? Database { get; set; }
    public string? State { get; set; }
    public string? Query { get; set; }
    public DateTimeOffset StoppedAt { get; set; }
}

/// <summary>Transaction-ID wraparound distance of one database or one table (Get-PgWraparoundRisk).</summary>
public sealed class PgWraparoundRisk : PgServerRecord
{
    /// <summary>Database or Table.</summary>
    public string Scope { get; set; } = "";
    public string Database { get; set; } = "";
    public string? Schema { get; set; }
    public string? Table { get; set; }
    /// <summary>age(datfrozenxid) or age(relfrozenxid) (the older of the table and its TOAST table).</summary>
    public long XidAge { get; set; }
    /// <summary>mxid_age(datminmxid) or mxid_age(relminmxid).</summary>
    public long MxidAge { get; set; }
    /// <summary>autovacuum_freeze_max_age in effect (a table's smaller reloption wins).</summary>
    public long FreezeMaxAge { get; set; }
    public long MultixactFreezeMaxAge { get; set; }
    /// <summary>The older of XidAge and MxidAge as a percentage of 2^31.</summary>
    public double PercentToWraparound { get; set; }
    /// <summary>The larger of XidAge / FreezeMaxAge and MxidAge / MultixactFreezeMaxAge, in percent.</summary>
    public double PercentOfFreezeMaxAge { get; set; }
    public string Status { get; set; } = PgHealthStatus.Ok;

    public string Name => Scope == "Table" ? PgIdentifier.Qualify(Schema ?? "", Table ?? "") : Database;

    public override string ToString() => Name;
}

/// <summary>One sequence and how close it is to running out (Get-PgSequenceRisk).</summary>
public sealed class PgSequenceRisk : PgServerRecord
{
    public string Schema { get; set; } = "";
    public string Sequence { get; set; } = "";
    /// <summary>The table of the column it feeds (serial, identity, OWNED BY or a nextval() default); null if none.</summary>
    public string? TableSchema { get; set; }
    public string? Table { get; set; }
    public string? Column { get; set; }
    /// <summary>smallint, integer or bigint (or another type of the column).</summary>
    public string? ColumnType { get; set; }
    /// <summary>Serial (OWNED BY), Identity, Default (nextval default, not owned) or None.</summary>
    public string Usage { get; set; } = "None";
    /// <summary>The sequence's own type.</summary>
    public string DataType { get; set; } = "";
    /// <summary>Null when the sequence was never called or could not be read (see Flags).</summary>
    public long? LastValue { get; set; }
    public long IncrementBy { get; set; }
    public long MinValue { get; set; }
    /// <summary>The sequence's own maximum.</summary>
    public long MaxValue { get; set; }
    public bool Cycles { get; set; }
    /// <summary>Where inserts start failing: the sequence's bound or the column type's limit, whichever comes first.</summary>
    public long EffectiveLimit { get; set; }
    /// <summary>Share of the range from the start bound to EffectiveLimit used; null when LastValue could not be read.</summary>
    public double? PercentUsed { get; set; }
    /// <summary>Values left before EffectiveLimit (in steps of IncrementBy); null when unknown.</summary>
    public decimal? ValuesLeft { get; set; }
    public string Status { get; set; } = PgHealthStatus.Ok;
    /// <summary>NoAccess (last value not readable by this login), Cycles (wraps instead of failing), ColumnLimit (the column type runs out first).</summary>
    public PgList<string> Flags { get; set; } = PgList<string>.None;

    public string QualifiedName => PgIdentifier.Qualify(Schema, Sequence);

    public override string ToString() => QualifiedName;
}

/// <summary>One table's autovacuum standing by the server's own formulas (Get-PgVacuumHealth).</summary>
public sealed class PgVacuumHealth : PgServerRecord
{
    public string Schema { get; set; } = "";
    public string Table { get; set; } = "";
    public DateTimeOffset? LastVacuum { get; set; }
    public DateTimeOffset? LastAutovacuum { get; set; }
    public DateTimeOffset? LastAnalyze { get; set; }
    public DateTimeOffset? LastAutoanalyze { get; set; }
    /// <summary>pg_class.reltuples as the formulas use it (0 when the table was never vacuumed or analyzed).</summary>
    public double EstimatedRows { get; set; }
    public long DeadTuples { get; set; }
    public long InsertsSinceVacuum { get; set; }
    public long ModificationsSinceAnalyze { get; set; }
    /// <summary>threshold + scale_factor * reltuples (and autovacuum_vacuum_max_threshold where the server has it), reloptions first.</summary>
    public double VacuumThreshold { get; set; }
    /// <summary>The insert-driven threshold; null when disabled (-1).</summary>
    public double? InsertThreshold { get; set; }
    public double AnalyzeThreshold { get; set; }
    /// <summary>DeadTuples over VacuumThreshold, inserts over InsertThreshold, or the XID age past autovacuum_freeze_max_age.</summary>
    public bool VacuumDue { get; set; }
    /// <summary>Why VacuumDue: DeadTuples, Inserts, Wraparound.</summary>
    public PgList<string> VacuumReasons { get; set; } = PgList<string>.None;
    public bool AnalyzeDue { get; set; }
    /// <summary>False when the table or the server has autovacuum switched off (due tables then wait for a manual VACUUM).</summary>
    public bool AutovacuumEnabled { get; set; }
    /// <summary>The table's autovacuum reloptions, as set (empty when it uses the server settings).</summary>
    public PgList<string> Reloptions { get; set; } = PgList<string>.None;
    /// <summary>Ok, or Warning when DeadTuples reached the overdue factor times VacuumThreshold.</summary>
    public string Status { get; set; } = PgHealthStatus.Ok;

    /// <summary>The backend vacuuming this table now (pg_stat_progress_vacuum), if any.</summary>
    public int? VacuumPid { get; set; }
    public string? VacuumPhase { get; set; }
    /// <summary>Heap blocks scanned / total, in percent.</summary>
    public double? VacuumProgressPercent { get; set; }
    public long? HeapBlocksTotal { get; set; }
    public long? HeapBlocksScanned { get; set; }
    public long? HeapBlocksVacuumed { get; set; }
    public long? IndexVacuumCount { get; set; }

    public string QualifiedName => PgIdentifier.Qualify(Schema, Table);

    public override string ToString() => QualifiedName;
}

/// <summary>Client connections against max_connections.</summary>
public sealed record PgConnectionUsage(long Used, long MaxConnections, long ReservedConnections, long IdleInTransaction);

/// <summary>Shared-buffer hits and reads over all databases since their statistics were reset.</summary>
public sealed record PgCacheHitRatio(long BlocksHit, long BlocksRead)
{
    public double? Percent => BlocksHit + BlocksRead == 0 ? null : BlocksHit * 100d / (BlocksHit + BlocksRead);
}

/// <summary>One row of Invoke-PgHealthCheck: one check's verdict over everything it looked at.</summary>
public sealed class PgHealthCheckResult : PgServerRecord
{
    public string Check { get; set; } = "";
    public string Status { get; set; } = PgHealthStatus.Ok;
    /// <summary>The worst value found (seconds, percent, ...; see Unit); null when there was nothing to measure.</summary>
    public double? Value { get; set; }
    public string Unit { get; set; } = "";
    /// <summary>The thresholds applied, as text ("warning 30, critical 300").</summary>
    public string Threshold { get; set; } = "";
    public string Detail { get; set; } = "";
    /// <summary>What the worst value belongs to (a pid, database, table, sequence).</summary>
    public string? Target { get; set; }
    /// <summary>How many things the check found at Warning or Critical.</summary>
    public int Count { get; set; }
    /// <summary>Every finding that is not Ok, worst first.</summary>
    public PgList<PgHealthFinding> Findings { get; set; } = PgList<PgHealthFinding>.None;
    /// <summary>When the result was stored in a central repository (read back with -Since); null for a check run now.</summary>
    public DateTimeOffset? CapturedAt { get; set; }

    public override string ToString() => $"{Check}: {Status}";
}

/// <summary>
/// One thing a health check judged. Key identifies it for alert deduplication (stable while the condition lasts,
/// for example a database name or pid:backend start).
/// </summary>
public sealed record PgHealthFinding(string Target, double? Value, string Status, string Detail, string Key);
