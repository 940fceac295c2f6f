namespace PgPerf;

/// <summary>Server-side statement statistics from pg_stat_statements (Invoke-PgStatementSnapshot and the Get- cmdlets).</summary>
public interface IStatementService
{
    /// <summary>
    /// Runs pgperf.capture_statement_snapshot(), then fills in the QueryHash of texts that have none.
    /// Throws PgPerf.Statements.NotAvailable (saying how to enable the extension) when it cannot be read.
    /// </summary>
    PgSnapshotResult CaptureSnapshot(CancellationToken cancellationToken);

    /// <summary>Throws PgPerf.Statements.NotAvailable unless pg_stat_statements can be read here.</summary>
    void EnsureAvailable(CancellationToken cancellationToken);

    IReadOnlyList<PgStatementStat> GetTop(StatementTopOptions options, CancellationToken cancellationToken);

    IReadOnlyList<PgStatementTrend> GetTrend(StatementTrendOptions options, CancellationToken cancellationToken);

    IReadOnlyList<PgStatementRegression> Compare(StatementCompareOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Opens one 'statement_regression' alert per regressed statement of the default comparison (deduplicated
    /// per database, user and queryid) and resolves the open ones that recovered. The hourly job calls this.
    /// </summary>
    PgStatementAlertCheck CheckRegressionAlerts(StatementCompareOptions options, CancellationToken cancellationToken);
}

/// <summary>A window (Since, Until]: the intervals whose end falls inside it.</summary>
public sealed record StatementTopOptions
{
    /// <summary>Whose statements: this database's own (null), or a server registered in the repository read.</summary>
    public StatementServer? Server { get; init; }

    public DateTimeOffset Since { get; init; }
    public DateTimeOffset Until { get; init; }
    public StatementOrderBy OrderBy { get; init; } = StatementOrderBy.TotalTime;

    /// <summary>0: every statement.</summary>
    public int Top { get; init; } = 20;

    public string[]? Databases { get; init; }
    public string[]? Users { get; init; }
    public long[]? QueryIds { get; init; }
}

public sealed record StatementTrendOptions
{
    /// <summary>Whose statements: this database's own (null), or a server registered in the repository read.</summary>
    public StatementServer? Server { get; init; }

    public long[] QueryIds { get; init; } = Array.Empty<long>();
    public DateTimeOffset Since { get; init; }
    public DateTimeOffset Until { get; init; }
    public string[]? Databases { get; init; }
    public string[]? Users { get; init; }
}

/// <summary>Defaults: the last 24 hours against the 7 days before them.</summary>
public sealed record StatementCompareOptions
{
    /// <summary>Whose statements: this database's own (null), or a server registered in the repository read.</summary>
    public StatementServer? Server { get; init; }

    public const double DefaultMinIncreasePercent = 50;
    public const long DefaultMinCalls = 10;

    public DateTimeOffset BaselineStart { get; init; }
    public DateTimeOffset BaselineEnd { get; init; }
    public DateTimeOffset Start { get; init; }
    public DateTimeOffset End { get; init; }
    public double MinIncreasePercent { get; init; } = DefaultMinIncreasePercent;

    /// <summary>Calls needed in each window for a mean to count.</summary>
    public long MinCalls { get; init; } = DefaultMinCalls;

    public string[]? Databases { get; init; }
    public string[]? Users { get; init; }

    /// <summary>The last 24 hours against the 7 days before them, ending at now.</summary>
    public static StatementCompareOptions Default(DateTimeOffset now) => new()
    {
        Start = now.AddHours(-24), End = now, BaselineStart = now.AddHours(-24).AddDays(-7), BaselineEnd = now.AddHours(-24),
    };
}

/// <summary>A server registered in a central repository, as the statement readers name and select it.</summary>
public sealed record StatementServer(int ServerId, string Name)
{
    /// <summary>
    /// The registered server's own connection (PgMonitoredServer.Connection): rows carry it, so that piped into another
    /// report they are read again in the same repository, as the same server.
    /// </summary>
    public PgConnectionInfo? Connection { get; init; }

    /// <summary>The id the statement tables use for the database they are in (pgperf.monitored_servers row 0).</summary>
    public const int Local = 0;

    /// <summary>A registered server as the statement readers select it, its rows carrying its connection.</summary>
    public static StatementServer Of(PgMonitoredServer server) => new(server.ServerId, server.Name) { Connection = server.Connection };

    /// <summary>The server_id to read: 0 for this database's own statements.</summary>
    public static int IdOf(StatementServer? server) => server?.ServerId ?? Local;

    /// <summary>Stamps a row with where it was read, and names the registered server it came from.</summary>
    public static void Stamp(PgServerRecord row, PgConnectionInfo source, StatementServer? server)
    {
        row.From(source);
        if (server is null) return;
        row.Server = server.Name;
        row.Connection = server.Connection ?? source;
    }
}

public sealed class PgStatementAlertCheck
{
    public string[] OpenKeys { get; set; } = Array.Empty<string>();
    public int Resolved { get; set; }
}
