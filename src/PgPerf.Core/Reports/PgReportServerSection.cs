namespace PgPerf;

/// <summary>
/// One registered server's part of a repository report (Export-PgPerfReport -Repository): what the repository holds of
/// it over the report's window, as the reports with -Repository -Server give it.
/// </summary>
public sealed class PgReportServerSection
{
    /// <summary>The registered name (Get-PgPerfServer).</summary>
    public string Name { get; init; } = "";

    public int ServerId { get; init; }

    /// <summary>Get-PgTopStatement -Repository -Server Name -Since Start -Until End -Top TopRows.</summary>
    public PgStatementStat[] TopStatements { get; set; } = Array.Empty<PgStatementStat>();

    /// <summary>Get-PgUnusedIndex -Repository -Server Name: the Unused and ConsiderDropping ones, largest first (as the summary lists them).</summary>
    public PgUnusedIndex[] UnusedIndexes { get; set; } = Array.Empty<PgUnusedIndex>();

    /// <summary>
    /// Get-PgTableBloatTrend -Repository -Server Name over the window, for the tables whose latest snapshot there is
    /// 10 % or more bloated (the TopRows that waste the most), oldest first.
    /// </summary>
    public PgTableBloatPoint[] BloatHistory { get; set; } = Array.Empty<PgTableBloatPoint>();
}
