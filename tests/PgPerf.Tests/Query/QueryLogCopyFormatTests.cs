using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>The writer's hand-written binary COPY (QueryLogCopyFormat) stores exactly what Npgsql's importer stores.</summary>
public sealed class QueryLogCopyFormatTests : IDisposable
{
    private const string Columns = "record_id, logged_at, query_text, query_hash, duration_ms, endpoint, user_id, parameters, is_error, query_truncated";
    private const string RowsAsText =
        "SELECT string_agg(concat_ws('|', record_id, logged_at, query_text, query_hash, duration_ms, coalesce(endpoint, '<null>'), coalesce(user_id, '<null>'), coalesce(parameters::text, '<null>'), is_error, query_truncated), E'\\n' ORDER BY record_id) FROM ";

    private readonly TestDatabase _db = new();
    private readonly IQueryLogService _service;

    public QueryLogCopyFormatTests()
    {
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _service = engine.Get<IQueryLogService>(_db.Info);
    }

    public void Dispose() => _db.Dispose();

    private static PgQueryLogEntry Entry(string text, double ms, DateTimeOffset at, string? endpoint, string? user, string? parameters, bool isError) =>
        QueryLogRules.Create(text, ms, at, endpoint, user, parameters, ParameterMode.Keep, isError, new List<string>());

    [Fact]
    public void Every_kind_of_value_lands_as_Npgsqls_importer_would_write_it()
    {
        var now = DateTimeOffset.UtcNow;
        var entries = new List<PgQueryLogEntry>
        {
            Entry("SELECT * FROM t WHERE id = 1", 0, now, null, null, null, false),
            Entry("SELECT 'naïve café', '日本語', '😀' FROM t", 123.456789012345, now.AddTicks(-7), "/api/ü", "user ß", "{\"a\":[1,2,{\"b\":\"😀\"}],\"c\":null}", true),
            Entry("SELECT 1", 999999.999, new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1234567), "/e", "u", "{}", false),
            Entry(new string('x', QueryLogRules.MaxQueryTextLength + 10), 1e-9, now.AddDays(-3), "/long", null, null, false),
            Entry("conversations.list", 750, now.AddHours(5), "", "", "{\"k\":\"v\"}", false),
        };
        Assert.Contains(entries, e => e.QueryTruncated);
        Assert.Equal(entries.Count, _service.Send(entries, new QuerySendOptions { SpoolDirectory = Path.GetTempPath(), AlertThresholdMs = 0 }, default).Written);

        using var connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        using (var create = new NpgsqlCommand(
            "CREATE TABLE reference (record_id uuid, logged_at timestamptz, query_text text, query_hash text, duration_ms float8, endpoint text, user_id text, parameters jsonb, is_error boolean, query_truncated boolean)", connection))
            create.ExecuteNonQuery();
        using (var importer = connection.BeginBinaryImport($"COPY reference ({Columns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var e in entries)
            {
                importer.StartRow();
                importer.Write(e.RecordId, NpgsqlDbType.Uuid);
                importer.Write(e.LoggedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                importer.Write(e.QueryText, NpgsqlDbType.Text);
                importer.Write(e.QueryHash, NpgsqlDbType.Text);
                importer.Write(e.DurationMs, NpgsqlDbType.Double);
                foreach (var (value, type) in new[] { (e.Endpoint, NpgsqlDbType.Text), (e.UserId, NpgsqlDbType.Text), (e.Parameters, NpgsqlDbType.Jsonb) })
                    if (value is null) importer.WriteNull(); else importer.Write(value, type);
                importer.Write(e.IsError, NpgsqlDbType.Boolean);
                importer.Write(e.QueryTruncated, NpgsqlDbType.Boolean);
            }
            importer.Complete();
        }

        var written = _db.Scalar<string>(RowsAsText + "pgperf.query_performance_logs");
        Assert.Equal(_db.Scalar<string>(RowsAsText + "reference"), written);
        Assert.Contains("日本語", written);
        Assert.Contains("1999-12-31", written);
    }

    [Fact]
    public void A_lone_surrogate_becomes_a_replacement_character_instead_of_failing_the_batch()
    {
        var entries = new[] { Entry("SELECT '\ud800' FROM t", 5, DateTimeOffset.UtcNow, "/a\udc00", null, null, false), Entry("SELECT 2", 6, DateTimeOffset.UtcNow, null, null, null, false) };
        var result = _service.Send(entries, new QuerySendOptions { SpoolDirectory = Path.GetTempPath(), AlertThresholdMs = 0 }, default);
        Assert.Equal(2, result.Written);
        Assert.Equal("SELECT '\ufffd' FROM t|/a\ufffd", _db.Scalar<string>("SELECT query_text || '|' || endpoint FROM pgperf.query_performance_logs WHERE duration_ms = 5"));
    }
}
