using Xunit;

namespace PgPerf.Tests.Index;

/// <summary>The unused-index rule on synthetic histories (no database).</summary>
public class IndexUsageVerdictTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ServerStart = Now.AddDays(-100);
    private const long Small = 1024 * 1024;
    private const long Large = 50L * 1024 * 1024;

    /// <summary>Daily readings from daysAgo down to 1 plus the live one; scans(daysAgo) gives the cumulative counter.</summary>
    private static List<IndexUsagePoint> Daily(int fromDaysAgo, Func<int, long> scans, Func<int, DateTimeOffset?>? statsReset = null,
        Func<int, DateTimeOffset?>? serverStart = null)
    {
        var points = new List<IndexUsagePoint>();
        for (var d = fromDaysAgo; d >= 0; d--)
            points.Add(new IndexUsagePoint
            {
                CapturedAt = Now.AddDays(-d),
                Scans = scans(d),
                TuplesRead = scans(d) * 10,
                TuplesFetched = scans(d) * 10,
                StatsReset = statsReset?.Invoke(d),
                ServerStartedAt = serverStart?.Invoke(d) ?? ServerStart,
            });
        return points;
    }

    private static IndexUsageAssessment Assess(List<IndexUsagePoint> points, long size = Small, int minDays = 30, bool ignore = false, DateTimeOffset? monitoringStart = null) =>
        IndexUsageVerdict.Assess(points, monitoringStart ?? points[0].CapturedAt, Now, size, minDays, ignore);

    [Fact]
    public void Thirty_five_continuous_days_of_zero_scans_is_Unused()
    {
        var a = Assess(Daily(35, _ => 0));
        Assert.Equal(PgIndexStatus.Unused, a.Status);
        // The first reading counts back to the server start (65 days before it): 100 observed days.
        Assert.Equal(100, a.ObservedDays, 2);
        Assert.Equal(100, a.DaysSinceLastScan, 2);
        Assert.Equal(0, a.ScansInWindow);
        Assert.Equal(0, a.BlindGaps);
        Assert.Null(a.LastScanAt);
        Assert.Equal(ServerStart, a.ObservedSince);
    }

    [Fact]
    public void Large_unused_index_is_ConsiderDropping_and_small_one_is_not()
    {
        Assert.Equal(PgIndexStatus.ConsiderDropping, Assess(Daily(35, _ => 0), size: Large).Status);
        Assert.Equal(PgIndexStatus.Unused, Assess(Daily(35, _ => 0), size: IndexUsageVerdict.ConsiderDroppingBytes).Status);
        Assert.Equal(PgIndexStatus.ConsiderDropping, Assess(Daily(35, _ => 0), size: IndexUsageVerdict.ConsiderDroppingBytes + 1).Status);
    }

    [Fact]
    public void Stats_reset_on_day_20_is_judged_on_the_lower_bound_and_reports_the_blind_gap()
    {
        // The counter stood at 500 (scans long before), then pg_stat_reset() 15.5 days ago set it to 0.
        var reset = Now.AddDays(-15.5);
        var points = Daily(35, d => d > 15 ? 500 : 0, d => d > 15 ? null : reset);
        var a = Assess(points, size: Large);

        Assert.Equal(1, a.BlindGaps);
        Assert.Equal(0.5, a.BlindDays, 2);            // from the reading 16 days ago to the reset
        // The first reading's 500 scans happened before it (35 days ago); since then only observed zeros.
        Assert.Equal(Now.AddDays(-35), a.LastScanAt);
        Assert.Equal(34.5, a.DaysSinceLastScan, 2);
        Assert.Equal(PgIndexStatus.ConsiderDropping, a.Status);
    }

    [Fact]
    public void Stats_reset_with_scans_after_it_counts_the_new_value_as_a_lower_bound()
    {
        // Reset 10.5 days ago; the reading 10 days ago already shows 3 scans (they happened in the blind step or after).
        var reset = Now.AddDays(-10.5);
        var points = Daily(35, d => d > 10 ? 900 : 3, d => d > 10 ? null : reset);
        var a = Assess(points);
        Assert.Equal(Now.AddDays(-10), a.LastScanAt);
        Assert.Equal(10, a.DaysSinceLastScan, 2);
        Assert.Equal(3, a.ScansInWindow);              // 3 after the reset; the 900 before it were 35+ days ago
        Assert.Equal(PgIndexStatus.LowUsage, a.Status);
    }

    [Fact]
    public void Counter_going_down_without_stats_reset_is_a_blind_step()
    {
        // pg_stat_reset_single_table_counters() resets one table and leaves stats_reset alone.
        var points = Daily(35, d => d > 20 ? 40 : 0);
        var a = Assess(points);
        Assert.Equal(1, a.BlindGaps);
        Assert.Equal(1, a.BlindDays, 2);               // the whole step: nothing says when it happened
        Assert.Equal(PgIndexStatus.Unused, a.Status);  // 40 scans happened before the first reading
        Assert.Equal(34, a.DaysSinceLastScan, 2);
    }

    [Fact]
    public void Ten_days_of_history_is_InsufficientData()
    {
        // Monitoring began 10 days ago and the counters were reset right before.
        var reset = Now.AddDays(-10);
        var a = Assess(Daily(10, _ => 0, _ => reset));
        Assert.Equal(PgIndexStatus.InsufficientData, a.Status);
        Assert.Equal(10, a.ObservedDays, 2);
    }

    [Fact]
    public void IgnoreStatsAge_judges_a_short_history_as_Unused()
    {
        var reset = Now.AddDays(-10);
        var a = Assess(Daily(10, _ => 0, _ => reset), size: Large, ignore: true);
        Assert.Equal(PgIndexStatus.ConsiderDropping, a.Status);
        Assert.Equal(10, a.DaysSinceLastScan, 2);
    }

    [Fact]
    public void Scans_29_days_ago_is_LowUsage()
    {
        var a = Assess(Daily(35, d => d >= 29 ? (d == 29 ? 7 : 0) : 7));
        Assert.Equal(PgIndexStatus.LowUsage, a.Status);
        Assert.Equal(29, a.DaysSinceLastScan, 2);
        Assert.Equal(Now.AddDays(-29), a.LastScanAt);
        Assert.Equal(7, a.ScansInWindow);
    }

    [Fact]
    public void Scans_yesterday_is_Active_and_31_days_ago_is_Unused()
    {
        Assert.Equal(PgIndexStatus.Active, Assess(Daily(35, d => d <= 1 ? 5 : 0)).Status);
        Assert.Equal(PgIndexStatus.Active, Assess(Daily(35, d => d <= 6 ? 5 : 0)).Status);
        Assert.Equal(PgIndexStatus.LowUsage, Assess(Daily(35, d => d <= 7 ? 5 : 0)).Status);
        var old = Assess(Daily(35, d => d <= 31 ? 5 : 0));
        Assert.Equal(PgIndexStatus.Unused, old.Status);
        Assert.Equal(31, old.DaysSinceLastScan, 2);
        Assert.Equal(0, old.ScansInWindow);
    }

    [Fact]
    public void First_run_counts_the_time_since_stats_reset_or_server_start()
    {
        // No snapshots at all: only the live reading.
        var live = new List<IndexUsagePoint>
        {
            new() { CapturedAt = Now, Scans = 0, StatsReset = Now.AddDays(-40), ServerStartedAt = Now.AddDays(-60) },
        };
        var a = IndexUsageVerdict.Assess(live, null, Now, Small, 30, false);
        Assert.Equal(40, a.ObservedDays, 2);
        Assert.Equal(PgIndexStatus.Unused, a.Status);

        // The later of the two counts: a crash discards the counters, so a restart after the reset starts again.
        var restarted = new List<IndexUsagePoint>
        {
            new() { CapturedAt = Now, Scans = 0, StatsReset = Now.AddDays(-40), ServerStartedAt = Now.AddDays(-3) },
        };
        var b = IndexUsageVerdict.Assess(restarted, null, Now, Small, 30, false);
        Assert.Equal(3, b.ObservedDays, 2);
        Assert.Equal(PgIndexStatus.InsufficientData, b.Status);

        // Scans since the reset: seen now.
        var used = new List<IndexUsagePoint> { new() { CapturedAt = Now, Scans = 2, ServerStartedAt = Now.AddDays(-60) } };
        Assert.Equal(PgIndexStatus.Active, IndexUsageVerdict.Assess(used, null, Now, Small, 30, false).Status);
    }

    [Fact]
    public void Restart_between_readings_is_blind_up_to_the_server_start()
    {
        var restart = Now.AddDays(-20.25);
        var points = Daily(35, _ => 0, serverStart: d => d > 20 ? ServerStart : restart);
        var a = Assess(points);
        Assert.Equal(1, a.BlindGaps);
        Assert.Equal(0.75, a.BlindDays, 2);
        Assert.Equal(100 - 0.75, a.ObservedDays, 2);
        Assert.Equal(PgIndexStatus.Unused, a.Status);
    }

    [Fact]
    public void Restart_keeps_the_difference_when_no_counter_went_down()
    {
        // A clean restart keeps the counters: 100 before and 100 after is no scan, not 100 new ones.
        var restart = Now.AddDays(-20.25);
        var a = Assess(Daily(35, _ => 100, serverStart: d => d > 20 ? ServerStart : restart));
        Assert.Equal(Now.AddDays(-35), a.LastScanAt);
        Assert.Equal(PgIndexStatus.Unused, a.Status);
    }

    [Fact]
    public void Long_blind_stretches_do_not_count_as_observation()
    {
        // Readings 40 and 35 days ago, then monitoring stopped; a reset 5 days ago; readings since.
        var reset = Now.AddDays(-5);
        var points = new List<IndexUsagePoint>
        {
            new() { CapturedAt = Now.AddDays(-40), Scans = 0, StatsReset = Now.AddDays(-41), ServerStartedAt = ServerStart },
            new() { CapturedAt = Now.AddDays(-35), Scans = 0, StatsReset = Now.AddDays(-41), ServerStartedAt = ServerStart },
            new() { CapturedAt = Now.AddDays(-4), Scans = 0, StatsReset = reset, ServerStartedAt = ServerStart },
            new() { CapturedAt = Now, Scans = 0, StatsReset = reset, ServerStartedAt = ServerStart },
        };
        var a = Assess(points);
        Assert.Equal(30, a.BlindDays, 2);              // 35 days ago to the reset 5 days ago
        Assert.Equal(11, a.ObservedDays, 2);           // 41..35 and 5..0
        Assert.Equal(PgIndexStatus.InsufficientData, a.Status);
    }

    [Fact]
    public void Index_created_after_monitoring_began_counts_from_its_first_reading()
    {
        var monitoringStart = Now.AddDays(-60);
        var points = Daily(10, _ => 0);                // first seen 10 days ago, server up for 100
        var a = IndexUsageVerdict.Assess(points, monitoringStart, Now, Small, 30, false);
        Assert.Equal(10, a.ObservedDays, 2);
        Assert.Equal(PgIndexStatus.InsufficientData, a.Status);
        Assert.Equal(Now.AddDays(-10), a.ObservedSince);
    }

    [Fact]
    public void Last_idx_scan_from_postgresql_16_wins_when_it_is_later()
    {
        var points = Daily(35, _ => 4);
        points[^1] = points[^1] with { LastScanAt = Now.AddDays(-2.5) };
        var a = Assess(points);
        Assert.Equal(Now.AddDays(-2.5), a.LastScanAt);
        Assert.Equal(2.5, a.DaysSinceLastScan, 2);
        Assert.Equal(PgIndexStatus.Active, a.Status);
    }

    [Fact]
    public void Last_idx_scan_is_the_last_scan_even_when_a_later_step_saw_it()
    {
        // Scans seen in the step that ended a day ago; the server says the last one was 1.6 days ago, inside that step.
        var points = Daily(35, d => d >= 2 ? 0 : 6);
        points[^1] = points[^1] with { LastScanAt = Now.AddDays(-1.6) };
        var a = Assess(points);
        Assert.Equal(Now.AddDays(-1.6), a.LastScanAt);
        Assert.Equal(1.6, a.DaysSinceLastScan, 2);
        // Without it, the end of the step that saw the scans.
        points[^1] = points[^1] with { LastScanAt = null };
        Assert.Equal(Now.AddDays(-1), Assess(points).LastScanAt);
    }

    [Fact]
    public void Last_idx_scan_before_monitoring_began_makes_a_short_history_enough()
    {
        // Five days of snapshots of an index the server last scanned 40 days ago (its counter already 12).
        var points = Daily(5, _ => 12);
        points[^1] = points[^1] with { LastScanAt = Now.AddDays(-40) };
        var a = Assess(points, size: Large);
        Assert.Equal(PgIndexStatus.ConsiderDropping, a.Status);
        Assert.Equal(40, a.DaysSinceLastScan, 2);
        Assert.Equal(Now.AddDays(-40), a.LastScanAt);
        // From the counters alone it was scanned at some time up to the first snapshot: only 5 days unused.
        points[^1] = points[^1] with { LastScanAt = null };
        var b = Assess(points, size: Large);
        Assert.Equal(PgIndexStatus.Active, b.Status);
        Assert.Equal(5, b.DaysSinceLastScan, 2);
    }

    [Fact]
    public void Blind_steps_after_last_idx_scan_count_toward_unused()
    {
        // A clean restart 20 days ago is a blind step for the counters, but last_idx_scan survived it (a crash or a
        // reset would have cleared it), so the server saw no scan across it.
        var points = Daily(45, _ => 3, serverStart: d => d > 20 ? ServerStart : Now.AddDays(-20.5));
        points[^1] = points[^1] with { LastScanAt = Now.AddDays(-42) };
        var a = Assess(points);
        Assert.Equal(1, a.BlindGaps);
        Assert.Equal(42, a.DaysSinceLastScan, 2);
        Assert.Equal(PgIndexStatus.Unused, a.Status);
    }

    [Fact]
    public void Blind_time_after_the_last_scan_does_not_count_toward_unused()
    {
        // Scanned 40 days ago; a reset 25 days ago lost the step from 26 to 25.5 days ago.
        var reset = Now.AddDays(-25.5);
        var points = Daily(45, d => d > 40 ? 0 : d > 25 ? 3 : 0, d => d > 25 ? null : reset);
        var a = Assess(points);
        Assert.Equal(Now.AddDays(-40), a.LastScanAt);
        Assert.Equal(39.5, a.DaysSinceLastScan, 2);
        Assert.Equal(PgIndexStatus.Unused, a.Status);
    }

    [Fact]
    public void MinDaysUnused_moves_the_thresholds()
    {
        var points = Daily(35, d => d <= 10 ? 5 : 0);  // last scan 10 days ago
        Assert.Equal(PgIndexStatus.LowUsage, Assess(points, minDays: 30).Status);
        Assert.Equal(PgIndexStatus.Unused, Assess(points, minDays: 10).Status);
        Assert.Equal(PgIndexStatus.Unused, Assess(points, minDays: 3).Status);
        Assert.Equal(PgIndexStatus.Active, Assess(Daily(35, d => d <= 2 ? 5 : 0), minDays: 3).Status);
    }

    [Fact]
    public void Bad_MinDaysUnused_is_refused_with_the_parameter_named()
    {
        var ex = Assert.Throws<PgPerfException>(() => IndexUsageVerdict.Assess(Daily(3, _ => 0), null, Now, Small, -1, false));
        Assert.Equal("PgPerf.Index.InvalidArgument", ex.ErrorId);
        Assert.Equal("MinDaysUnused", ex.ParameterName);
    }

    [Fact]
    public void Empty_history_is_InsufficientData()
    {
        Assert.Equal(PgIndexStatus.InsufficientData, IndexUsageVerdict.Assess(new List<IndexUsagePoint>(), null, Now, Small, 30, false).Status);
    }
}
