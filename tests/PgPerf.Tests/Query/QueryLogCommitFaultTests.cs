using Npgsql;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>
/// A COPY whose outcome the client never learns: the connection breaks just before COMMIT (nothing landed) or
/// just after it (everything landed, the acknowledgement was lost). The retry must store each record exactly once.
/// </summary>
public sealed class QueryLogCommitFaultTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly QueryLogService _service;
    private readonly string _spool = Path.Combine(Path.GetTempPath(), "pgperf-fault-spool-" + Guid.NewGuid().ToString("N")[..8]);

    public QueryLogCommitFaultTests()
    {
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _service = (QueryLogService)engine.Get<IQueryLogService>(_db.Info);
    }

    public void Dispose()
    {
        _db.Dispose();
        if (Directory.Exists(_spool)) Directory.Delete(_spool, recursive: true);
    }

    [Theory]
    [InlineData("BeforeCommit")]
    [InlineData("AfterCommit")]
    public void A_write_whose_acknowledgement_is_lost_is_retried_with_no_duplicate_and_no_loss(string stage)
    {
        var failAt = Enum.Parse<QueryLogWriter.WriteStage>(stage);
        var calls = 0;
        _service.Writer.FaultForTests = at =>
        {
            // What Npgsql throws when the socket dies while it waits for the server's answer; once only.
            if (at == failAt && calls++ == 0)
                throw new NpgsqlException("Exception while reading from stream", new EndOfStreamException("The connection broke before the acknowledgement arrived."));
        };
        // 300 records, every tenth slow enough to raise a slow_query alert.
        var batch = Enumerable.Range(1, 300).Select(i => QueryLogRules.Create($"SELECT {i} FROM fault_{i % 7}", i % 10 == 0 ? 900 : 3, null, "/api/fault", "u1",
            null, ParameterMode.Keep, false, new List<string>())).ToList();

        var result = _service.Send(batch, new QuerySendOptions { SpoolDirectory = _spool }, default);

        Assert.Equal(2, calls);                         // the fault fired, and a second try got past the same point
        Assert.Null(result.Failure);
        Assert.Equal(0, result.Spooled);
        Assert.Equal(300, result.Written);
        Assert.All(batch, e => Assert.Equal(QueryLogDelivery.Written, e.Delivery));
        // No duplicate, no loss: exactly the batch's record ids, once each.
        Assert.Equal(string.Join(",", batch.Select(e => e.RecordId.ToString()).Order(StringComparer.Ordinal)),
            _db.Scalar<string>("SELECT string_agg(record_id::text, ',' ORDER BY record_id::text COLLATE \"C\") FROM pgperf.query_performance_logs"));
        Assert.Equal(300, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_performance_logs"));
        // The slow executions are counted once in their alerts, not once per try.
        Assert.Equal(30, _db.Scalar<long>("SELECT coalesce(sum(occurrences), 0) FROM pgperf.performance_alerts WHERE alert_type = 'slow_query'"));
        Assert.False(Directory.Exists(_spool) && Directory.EnumerateFiles(_spool).Any());
    }
}
