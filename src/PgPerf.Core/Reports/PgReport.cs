namespace PgPerf;

/// <summary>What Export-PgPerfReport puts in the page.</summary>
public sealed record PgReportOptions
{
    /// <summary>Hours covered, ending with the current hour (each chart point is one whole hour).</summary>
    public int Hours { get; init; } = 168;

    /// <summary>The moment the report is made for; null means now. The last bucket is the hour it falls in.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>How many queries (by total time in the window) get their own latency chart.</summary>
    public int TopQueries { get; init; } = 5;

    /// <summary>Rows per table (slow queries, indexes, bloated tables, alerts).</summary>
    public int TopRows { get; init; } = 20;
}

/// <summary>Builds the HTML report from the same Engine calls the cmdlets make, and writes it.</summary>
public interface IReportService
{
    /// <summary>Reads every section; a section that cannot be read is left empty with a note, never the whole report.</summary>
    PgReportData Collect(PgReportOptions options, Action<string, int>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// A report of a central repository (this service's database): one section per server in <paramref name="servers"/>,
    /// read from what the repository holds of it; a section that cannot be read is left empty with a note.
    /// </summary>
    PgReportData CollectRepository(IReadOnlyList<PgMonitoredServer> servers, PgReportOptions options, Action<string, int>? progress, CancellationToken cancellationToken);

    /// <summary>The self-contained page (styles, scripts, chart library and data inlined). Pure: no I/O.</summary>
    string Render(PgReportData data);

    /// <summary>The metrics of Export-PgPerfMetric, read through the same calls as the cmdlets.</summary>
    IReadOnlyList<PgMetric> CollectMetrics(PgMetricOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// The metrics of a central repository (this service's database): those of every server in <paramref name="servers"/>,
    /// read from what the repository holds of it and labelled with its registered name, each family once.
    /// </summary>
    IReadOnlyList<PgMetric> CollectRepositoryMetrics(IReadOnlyList<PgMonitoredServer> servers, PgMetricOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Writes text to the path through a temporary file in the same folder and a rename, so a reader (a browser,
    /// node_exporter's textfile collector) never sees half a file.
    /// </summary>
    PgReportFile Write(string content, string path);
}

/// <summary>Everything the report shows, as the cmdlets return it for the same window.</summary>
public sealed class PgReportData : PgServerRecord
{
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Start of the first hour shown (inclusive).</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>End of the last hour shown (exclusive).</summary>
    public DateTimeOffset End { get; init; }

    public int Hours { get; init; }

    /// <summary>The summary cards: Get-PgPerformanceSummary -Hours <see cref="Hours"/>.</summary>
    public PgPerformanceSummary? Summary { get; set; }

    /// <summary>Start of each hour bucket, oldest first.</summary>
    public DateTimeOffset[] HourStarts { get; set; } = Array.Empty<DateTimeOffset>();

    /// <summary>All queries per hour (Get-PgQueryStat -Start hour -End hour+1); null where the hour has no rows.</summary>
    public PgQueryStat?[] OverallByHour { get; set; } = Array.Empty<PgQueryStat?>();

    /// <summary>The top queries of the window, each with its figures per hour.</summary>
    public PgReportQuerySeries[] TopQueries { get; set; } = Array.Empty<PgReportQuerySeries>();

    /// <summary>Get-PgSlowQuery -Hours <see cref="Hours"/> -Top TopRows.</summary>
    public PgSlowQuery[] SlowQueries { get; set; } = Array.Empty<PgSlowQuery>();

    /// <summary>Indexes judged Unused or ConsiderDropping, largest first, with what Remove-PgIndex -WhatIf would run.</summary>
    public PgReportIndexDrop[] UnusedIndexes { get; set; } = Array.Empty<PgReportIndexDrop>();

    /// <summary>Get-PgDuplicateIndex, with the DROP and rollback DDL of the redundant index.</summary>
    public PgReportIndexDrop[] DuplicateIndexes { get; set; } = Array.Empty<PgReportIndexDrop>();

    /// <summary>Get-PgTableBloat -MinBloatPercent 10 (estimate), most wasted bytes first.</summary>
    public PgTableBloat[] TableBloat { get; set; } = Array.Empty<PgTableBloat>();

    /// <summary>Get-PgTableBloatTrend -Days (the window) for the tables in <see cref="TableBloat"/>, by table, oldest first.</summary>
    public PgTableBloatPoint[] BloatHistory { get; set; } = Array.Empty<PgTableBloatPoint>();

    /// <summary>Get-PgIndexBloat -MinBloatPercent 10 (estimate), worst first, TopRows of them.</summary>
    public PgIndexBloat[] IndexBloat { get; set; } = Array.Empty<PgIndexBloat>();

    /// <summary>Get-PgTopStatement -Since Start -Until End -Top TopRows (from the statement snapshots).</summary>
    public PgStatementStat[] TopStatements { get; set; } = Array.Empty<PgStatementStat>();

    /// <summary>The first TopQueries of <see cref="TopStatements"/>, each with Get-PgStatementTrend per hour.</summary>
    public PgReportStatementSeries[] StatementSeries { get; set; } = Array.Empty<PgReportStatementSeries>();

    /// <summary>Compare-PgStatement with its defaults at the report's end: the last 24 hours against the 7 days before.</summary>
    public PgStatementRegression[] StatementRegressions { get; set; } = Array.Empty<PgStatementRegression>();

    /// <summary>Invoke-PgHealthCheck with its default thresholds, at the time of the report.</summary>
    public PgHealthCheckResult[] HealthChecks { get; set; } = Array.Empty<PgHealthCheckResult>();

    /// <summary>Get-PgPerfAlert -Open, newest first.</summary>
    public PgPerfAlert[] OpenAlerts { get; set; } = Array.Empty<PgPerfAlert>();

    /// <summary>A repository report's sections, one per registered server (CollectRepository); null for a database's own report.</summary>
    public PgReportServerSection[]? Servers { get; set; }

    /// <summary>How long each section took to read, in milliseconds, in the order read (Export-PgPerfReport -Verbose).</summary>
    public List<KeyValuePair<string, double>> SectionMs { get; } = new();

    /// <summary>Sections that could not be read, with the reason (shown in the page).</summary>
    public List<string> Notes { get; } = new();
}

/// <summary>One top query: its figures over the whole window and per hour.</summary>
public sealed class PgReportQuerySeries
{
    public string? QueryHash { get; init; }
    public string? QueryText { get; init; }

    /// <summary>Get-PgQueryStat -GroupBy Query over the whole window, this query's row.</summary>
    public PgQueryStat Window { get; init; } = new();

    /// <summary>This query per hour; null where it did not run.</summary>
    public PgQueryStat?[] ByHour { get; init; } = Array.Empty<PgQueryStat?>();
}

/// <summary>One top statement: its window row and its figures per hour (null where it did not run).</summary>
public sealed class PgReportStatementSeries
{
    public PgStatementStat Window { get; init; } = new();
    public PgStatementTrend?[] ByHour { get; init; } = Array.Empty<PgStatementTrend?>();
}

/// <summary>An index the report proposes to drop, with the statements (or why it cannot be dropped as it is).</summary>
public sealed class PgReportIndexDrop
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string Index { get; init; } = "";
    public long SizeBytes { get; init; }

    /// <summary>Unused / ConsiderDropping, or Exact / LeftPrefix for a duplicate.</summary>
    public string Status { get; init; } = "";

    /// <summary>The index that covers a duplicate; empty for an unused index.</summary>
    public string CoveredBy { get; init; } = "";

    public double DaysSinceLastScan { get; init; }
    public string DropSql { get; init; } = "";
    public string RollbackDdl { get; init; } = "";

    /// <summary>Why there is no DROP (for example the index backs a constraint).</summary>
    public string? NotDroppable { get; init; }
}

/// <summary>The written report.</summary>
public sealed class PgReportFile
{
    public string Path { get; init; } = "";
    public long Bytes { get; init; }
}
