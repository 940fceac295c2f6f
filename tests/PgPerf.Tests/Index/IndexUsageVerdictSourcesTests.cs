using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace PgPerf.Tests.Index;

/// <summary>
/// The unused-index verdict lives in SQL, pgperf.index_usage_status (migration 028), which detect_unused_indexes and
/// Get-PgUnusedIndex both read, and in C#, IndexUsageVerdict.Judge, the pure reference the history tests judge
/// with. This holds the two together on a grid around every threshold (7 days, MinDaysUnused, 10 MB, no scan seen,
/// IgnoreStatsAge), on the real server.
/// </summary>
public class IndexUsageVerdictSourcesTests
{
    [Fact]
    public void The_SQL_verdict_and_IndexUsageVerdict_Judge_agree_around_every_threshold()
    {
        using var db = new TestDatabase();
        TestDatabase.NewEngine().Get<ISchemaService>(db.Info).Install(null, default);

        const long Day = 86400;
        var seconds = new long[] { 0, Day / 2, Day - 1, Day, 7 * Day - 1, 7 * Day, 7 * Day + 1, 30 * Day - 1, 30 * Day, 45 * Day, 100 * Day };
        var sizes = new[] { 0L, 10L * 1024 * 1024, 10L * 1024 * 1024 + 1 };
        var lastScan = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var cases = (from scanned in new[] { false, true }
                     from observed in seconds
                     from unused in scanned ? seconds.Where(u => u <= observed).ToArray() : new long[] { -1 }
                     from size in sizes
                     from age in new[] { 1, 6, 7, 8, 30, 45 }
                     from ignore in new[] { false, true }
                     select (Scanned: scanned, Observed: observed, Unused: unused, Size: size, Age: age, Ignore: ignore)).ToList();

        var sql = new List<string>(cases.Count);
        using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            connection.Open();
            // The same arguments the module's query gives it (sql/queries/index_summary.sql).
            using var command = new NpgsqlCommand("""
                SELECT pgperf.index_usage_status(l, o / 86400.0, coalesce(u, o) / 86400.0, s, a, i)
                  FROM unnest(@l, @o, @u, @s, @a, @i) WITH ORDINALITY AS t(l, o, u, s, a, i, n)
                 ORDER BY n
                """, connection);
            command.Parameters.Add(new NpgsqlParameter("l", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = cases.Select(c => c.Scanned ? (object)lastScan : DBNull.Value).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("o", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = cases.Select(c => (decimal)c.Observed).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("u", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = cases.Select(c => c.Scanned ? (object)(decimal)c.Unused : DBNull.Value).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = cases.Select(c => c.Size).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = cases.Select(c => c.Age).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("i", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { Value = cases.Select(c => c.Ignore).ToArray() });
            using var reader = command.ExecuteReader();
            while (reader.Read()) sql.Add(reader.GetString(0));
        }
        Assert.Equal(cases.Count, sql.Count);

        var differ = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var judged = IndexUsageVerdict.Judge(new IndexUsageSummary
            {
                ObservedSeconds = c.Observed,
                LastScanAt = c.Scanned ? lastScan : null,
                UnusedSeconds = c.Scanned ? c.Unused : null,
            }, c.Size, c.Age, c.Ignore).Status;
            if (judged != sql[i])
                differ.Add($"scanned {c.Scanned}, observed {c.Observed} s, unused {c.Unused} s, {c.Size} B, age {c.Age}, ignore {c.Ignore}: SQL {sql[i]}, C# {judged}");
        }
        Assert.True(differ.Count == 0, $"{differ.Count} of {cases.Count} verdicts differ:\n" + string.Join("\n", differ.Take(20)));
        // Every status occurs, so no branch of either side goes untested.
        Assert.Equal(new[] { PgIndexStatus.Active, PgIndexStatus.ConsiderDropping, PgIndexStatus.InsufficientData, PgIndexStatus.LowUsage, PgIndexStatus.Unused },
            sql.Distinct().Order(StringComparer.Ordinal));
    }
}
