using Xunit;

namespace PgPerf.Tests.Health;

public class HealthRulesTests
{
    [Theory]
    // 2^31 = 2147483648: 1,073,741,824 is exactly half way.
    [InlineData(1073741824L, 0L, 50.0)]
    [InlineData(0L, 1073741824L, 50.0)]
    [InlineData(214748365L, 1000L, 10.000000009313226)]
    public void Percent_to_wraparound_is_the_older_age_against_2_to_the_31(long xid, long mxid, double expected) =>
        Assert.Equal(expected, PgHealthRules.PercentToWraparound(xid, mxid), 9);

    [Fact]
    public void Percent_of_freeze_max_age_takes_the_larger_of_xid_and_multixact()
    {
        Assert.Equal(150.0, PgHealthRules.PercentOfFreezeMaxAge(300_000_000, 200_000_000, 1000, 400_000_000), 9);
        Assert.Equal(200.0, PgHealthRules.PercentOfFreezeMaxAge(1000, 200_000_000, 800_000_000, 400_000_000), 9);
    }

    [Theory]
    [InlineData(10, 50, "Ok")]
    [InlineData(10, 150, "Warning")]      // autovacuum behind its own limit
    [InlineData(50, 10, "Warning")]
    [InlineData(74.99, 10, "Warning")]
    [InlineData(75, 10, "Critical")]
    public void Wraparound_status_uses_both_measures(double toWraparound, double ofFreezeMaxAge, string expected) =>
        Assert.Equal(expected, PgHealthRules.WraparoundStatus(toWraparound, ofFreezeMaxAge, 50, 75, 150));

    [Fact]
    public void An_integer_column_fed_by_a_bigint_sequence_runs_out_at_2_to_the_31_minus_1()
    {
        var limit = PgHealthRules.EffectiveLimit(1, 1, long.MaxValue, "integer");
        Assert.Equal(2147483647L, limit);
        Assert.Equal(100.0 * (2_000_000_000L - 1) / (2147483647L - 1), PgHealthRules.SequencePercentUsed(2_000_000_000, 1, 1, long.MaxValue, limit), 9);
        Assert.Equal(long.MaxValue, PgHealthRules.EffectiveLimit(1, 1, long.MaxValue, "bigint"));
        Assert.Equal(32767L, PgHealthRules.EffectiveLimit(1, 1, 2147483647, "smallint"));
        Assert.Equal(500L, PgHealthRules.EffectiveLimit(1, 1, 500, "integer"));   // the sequence's own max comes first
        Assert.Equal(long.MaxValue, PgHealthRules.EffectiveLimit(1, 1, long.MaxValue, null));
    }

    [Fact]
    public void Descending_sequences_count_down_from_their_max()
    {
        var limit = PgHealthRules.EffectiveLimit(-1, -100, -1, "integer");
        Assert.Equal(-100L, limit);
        Assert.Equal(95.0 * 100 / 99, PgHealthRules.SequencePercentUsed(-96, -1, -100, -1, limit), 9);
        Assert.Equal(int.MinValue, PgHealthRules.EffectiveLimit(-1, long.MinValue, -1, "integer"));
    }

    [Fact]
    public void A_sequence_never_called_has_used_nothing_and_bigint_ranges_do_not_overflow()
    {
        Assert.Equal(0, PgHealthRules.SequencePercentUsed(null, 1, 1, long.MaxValue, long.MaxValue));
        Assert.Equal(50.0, PgHealthRules.SequencePercentUsed(0, 1, long.MinValue, long.MaxValue, long.MaxValue), 6);
    }

    [Fact]
    public void A_cycling_sequence_runs_out_only_when_its_column_overflows_first()
    {
        Assert.False(PgHealthRules.CanRunOut(true, 1, 1, 1000, "integer"));
        Assert.True(PgHealthRules.CanRunOut(true, 1, 1, long.MaxValue, "integer"));
        Assert.True(PgHealthRules.CanRunOut(false, 1, 1, 1000, "integer"));
    }

    [Theory]
    [InlineData(29.9, "Ok")]
    [InlineData(30, "Warning")]
    [InlineData(300, "Critical")]
    public void At_least_thresholds_are_inclusive(double value, string expected) =>
        Assert.Equal(expected, PgHealthStatus.AtLeast(value, 30, 300));

    [Theory]
    [InlineData(99.5, "Ok")]
    [InlineData(98, "Warning")]
    [InlineData(90, "Critical")]
    public void At_most_thresholds_for_ratios_where_lower_is_worse(double value, string expected) =>
        Assert.Equal(expected, PgHealthStatus.AtMost(value, 99, 90));

    [Fact]
    public void Summary_takes_the_worst_finding_and_counts_the_ones_not_ok()
    {
        var check = PgHealthChecks.All.Single(c => c.Name == "blocking");
        var findings = new[]
        {
            new PgHealthFinding("pid 1", 40, PgHealthStatus.Warning, "one", "1"),
            new PgHealthFinding("pid 2", 400, PgHealthStatus.Critical, "two", "2"),
            new PgHealthFinding("pid 3", 1, PgHealthStatus.Ok, "three", "3"),
        };
        var result = PgHealthChecks.Summarize(check, findings, p => p == "BlockingWarningSeconds" ? 30 : 300);
        Assert.Equal(PgHealthStatus.Critical, result.Status);
        Assert.Equal(400, result.Value);
        Assert.Equal("pid 2", result.Target);
        Assert.Equal(2, result.Count);
        Assert.Equal("BlockingWarningSeconds 30, BlockingCriticalSeconds 300", result.Threshold);
        Assert.Equal(new[] { "2", "1" }, result.Findings.Select(f => f.Key));

        var quiet = PgHealthChecks.Summarize(check, Array.Empty<PgHealthFinding>(), _ => 1);
        Assert.Equal(PgHealthStatus.Ok, quiet.Status);
        Assert.Null(quiet.Value);
    }

    [Fact]
    public void Check_names_and_threshold_parameters_are_unique()
    {
        Assert.Equal(PgHealthChecks.All.Count, PgHealthChecks.All.Select(c => c.Name).Distinct().Count());
        var parameters = PgHealthChecks.All.SelectMany(c => c.Thresholds).Select(t => t.Parameter).ToList();
        Assert.Equal(parameters.Count, parameters.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(PgHealthChecks.All.SelectMany(c => c.Thresholds), t => Assert.InRange(t.Default, t.Minimum, t.Maximum));
    }
}
