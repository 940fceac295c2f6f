using PgPerf.Engine;
using Xunit;

namespace PgPerf.Tests;

/// <summary>How statements are put together from sql/: names quoted by PgIdentifier, parts taken from sql/queries/parts.</summary>
public sealed class SqlResourcesTests
{
    [Fact]
    public void Names_known_only_at_run_time_are_quoted_like_quote_ident_in_every_slot()
    {
        var sql = SqlResources.WithNames("queries/partitions_delete_old_rows.sql", ("leaf", "Odd Schema", "log \"2\""));
        Assert.Equal(2, sql.Split("\"Odd Schema\".\"log \"\"2\"\"\"").Length - 1);
        Assert.DoesNotContain("{leaf}", sql);
        Assert.Contains("FROM pgperf.query_performance_logs_default",
            SqlResources.WithNames("queries/partitions_delete_old_rows.sql", ("leaf", "pgperf", "query_performance_logs_default")));
    }

    [Fact]
    public void A_slot_the_file_does_not_have_is_an_error_not_a_silent_no_op()
    {
        Assert.Throws<InvalidOperationException>(() => SqlResources.WithNames("queries/partitions_drop.sql", ("leaf", "pgperf", "x")));
        Assert.Throws<InvalidOperationException>(() => SqlResources.Compose("queries/query_slow.sql", ("group_by", "stats_group_query")));
    }

    [Fact]
    public void Parts_fill_slots_without_their_comments_and_a_part_may_hold_a_later_slot()
    {
        var slow = SqlResources.Compose("queries/query_slow.sql", ("source", "slow_source_table"), ("order", null));
        Assert.Contains("FROM pgperf.query_log_slow s", slow);
        Assert.DoesNotContain("{order}", slow);
        Assert.DoesNotContain("ORDER BY", slow);
        Assert.DoesNotContain("query_slow.sql's source", slow); // the part's own comment line

        var byQuery = SqlResources.Compose("queries/query_stats.sql",
            ("group_select", "stats_select_query"), ("group_by", "stats_group_query"), ("sample", "sample_min"));
        Assert.Contains("SELECT query_hash, min(query_text) AS sample,", byQuery);
        Assert.Contains("GROUP BY query_hash ORDER BY sum_ms DESC, query_hash", byQuery);
    }
}
