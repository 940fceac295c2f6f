namespace PgPerf;

/// <summary>
/// The statuses of the server-right-now group (Get-PgWraparoundRisk, Get-PgSequenceRisk, Get-PgVacuumHealth,
/// Invoke-PgHealthCheck). Strings, so they survive ConvertTo-Json and Export-Csv as text.
/// </summary>
public static class PgHealthStatus
{
    public const string Ok = "Ok";
    public const string Warning = "Warning";
    public const string Critical = "Critical";

    public static readonly string[] All = { Ok, Warning, Critical };

    /// <summary>0 for Ok, 1 for Warning, 2 for Critical: larger is worse.</summary>
    public static int Rank(string status) => status switch
    {
        Critical => 2,
        Warning => 1,
        _ => 0,
    };

    public static string Worst(IEnumerable<string> statuses) =>
        statuses.Aggregate(Ok, (worst, s) => Rank(s) > Rank(worst) ? s : worst);

    /// <summary>Critical at or over critical, Warning at or over warning, else Ok (a larger value is worse).</summary>
    public static string AtLeast(double value, double warning, double critical) =>
        value >= critical ? Critical : value >= warning ? Warning : Ok;

    /// <summary>Critical at or under critical, Warning under warning, else Ok (a smaller value is worse).</summary>
    public static string AtMost(double value, double warning, double critical) =>
        value <= critical ? Critical : value < warning ? Warning : Ok;

    /// <summary>The alert severity (pgperf.performance_alerts stores lower case) of a status that is not Ok.</summary>
    public static string AlertSeverity(string status) => status == Critical ? "critical" : "warning";
}
