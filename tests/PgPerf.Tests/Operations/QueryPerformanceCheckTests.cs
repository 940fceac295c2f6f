using PgPerf.Engine.Operations;
using Xunit;

namespace PgPerf.Tests.Operations;

public class QueryPerformanceCheckTests
{
    [Theory]
    [InlineData(0, null, null, null)]
    [InlineData(100, 40.0, 90.0, null)]
    [InlineData(100, 40.0, 600.0, "warning")]
    [InlineData(100, 100.0, 200.0, "warning")]
    [InlineData(100, 500.0, 450.0, "warning")]
    [InlineData(100, 500.1, 900.0, "critical")]
    public void Judges_the_hour_by_average_and_P95(long total, double? avg, double? p95, string? severity)
    {
        var stat = new PgQueryStat { TotalQueries = total, AvgDurationMs = avg, P95DurationMs = p95 };
        Assert.Equal(severity, QueryPerformanceCheck.Judge(stat)?.Severity);
    }
}
