using PgPerf.Engine;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>
/// Migration 036: the query log of a registered server in a central repository. Its records are written, spooled,
/// replayed, rolled up and read under its server id, apart from this database's own log (server 0). The expected
/// figures are SQL's own aggregates over the stored rows of each server, read here, not PgPerf's.
/// </summary>
public sealed class QueryLogServerTests : IDisposable
{
    private const int ShopId = 7;
    private readonly TestDatabase _db = new();
    private readonly IQueryLogService _service;
    private readonly string _spool = Path.Combine(Path.GetTempPath(), "pgperf-spool-" + Guid.NewGuid().ToString("N")[..8]);
    private static readonly StatementServer Shop = new(ShopId, "shop");

    public QueryLogServerTests()
    {
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _service = engine.Get<IQueryLogService>(_db.Info);
    }

    public void Dispose()
    {
        _db.Dispose();
        if (Directory.Exists(_spool)) Directory.Delete(_spool, recursive: true);
    }

    private QuerySendOptions Local => new() { SpoolDirectory = _spool, AlertThresholdMs = 0 };
    private QuerySendOptions AsShop => Local with { Server = Shop };

    private static PgQueryLogEntry Entry(string text, double ms, DateTimeOffset? at = null) =>
        QueryLogRules.Create(text, ms, at, "/api/x", "u1", null, ParameterMode.Keep, false, new List<string>());

    [Fact]
    public void A_registered_servers_spool_is_its_own_and_its_replay_keeps_the_server()
    {
        // Each server has its own spool file for the same target; server 0 keeps the name it always had.
        var local = new QueryLogSpool(_spool, _db.Info);
        var shop = new QueryLogSpool(_spool, _db.Info, ShopId);
        Assert.NotEqual(local.FilePath, shop.FilePath);
        Assert.Equal(local.FilePath, new QueryLogSpool(_spool, _db.Info, StatementServer.Local).FilePath);

        // Records of shop left in its spool (the database was down when they were sent).
        var spooled = Enumerable.Range(1, 5).Select(i => Entry($"shop q{i}", 10 * i)).ToList();
        using (shop.Lock(default))
            shop.Append(spooled);

        // A send for server 0 replays only server 0's spool.
        var own = _service.Send(new[] { Entry("own", 1) }, Local, default);
        Assert.Equal(0, own.Replayed);
        Assert.True(File.Exists(shop.FilePath));

        // The next send for shop replays shop's records as shop's.
        var after = Entry("shop after", 2);
        var next = _service.Send(new[] { after }, AsShop, default);
        Assert.Equal("shop", after.Server);
        Assert.Equal(5, next.Replayed);
        Assert.False(File.Exists(shop.FilePath));
        Assert.Equal("0:1,7:6", _db.Scalar<string>("SELECT string_agg(server_id || ':' || n, ',' ORDER BY server_id) FROM (SELECT server_id, count(*) n FROM pgperf.query_performance_logs GROUP BY 1) c"));
        Assert.Equal(6, _db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs WHERE server_id = 7 AND query_text LIKE 'shop %'"));
    }

    [Fact]
    public void A_send_for_a_server_that_cannot_be_reached_spools_into_that_servers_file()
    {
        var down = PgConnectionParser.Parse(new Npgsql.NpgsqlConnectionStringBuilder(_db.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString);
        var service = TestDatabase.NewEngine().Get<IQueryLogService>(down);
        var result = service.Send(new[] { Entry("a", 1) }, AsShop, default);
        Assert.Equal(1, result.Spooled);
        Assert.Equal(new QueryLogSpool(_spool, down, ShopId).FilePath, result.SpoolFile);
        Assert.NotEqual(new QueryLogSpool(_spool, down).FilePath, result.SpoolFile);
    }

    [Fact]
    public void Each_servers_rows_are_rolled_up_and_read_on_their_own()
    {
        var hour = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour - 3), TimeSpan.Zero);
        var localRows = Enumerable.Range(1, 300).Select(i => Entry($"local.q{i % 3}", 1 + (i * 37 % 101), hour.AddSeconds(i))).ToList();
        var shopRows = Enumerable.Range(1, 200).Select(i => Entry($"shop.q{i % 4}", 500 + (i * 13 % 97), hour.AddSeconds(i))).ToList();
        Assert.Equal(300, _service.Send(localRows, Local, default).Written);
        Assert.Equal(200, _service.Send(shopRows, AsShop, default).Written);
        var window = new QueryStatOptions { Start = hour.AddHours(-1), End = hour.AddHours(2) };

        void Check(string pass)
        {
            foreach (var (server, id) in new[] { ((StatementServer?)null, 0), (Shop, ShopId) })
            {
                var row = Assert.Single(_service.GetQueryStats(window with { Server = server }, default));
                Assert.Equal(_db.Scalar<long>($"SELECT count(*) FROM pgperf.query_performance_logs WHERE server_id = {id}"), row.TotalQueries);
                Assert.Equal(_db.Scalar<long>($"SELECT count(*) FROM pgperf.query_performance_logs WHERE server_id = {id} AND duration_ms >= 500"), row.SlowQueries);
                Assert.Equal(_db.Scalar<double>($"SELECT max(duration_ms) FROM pgperf.query_performance_logs WHERE server_id = {id}"), row.MaxDurationMs);
                Assert.Equal(server?.Name ?? _db.Info.Server, row.Server);
                if (pass == "raw")
                    Assert.Equal(_db.Scalar<double>($"SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM pgperf.query_performance_logs WHERE server_id = {id}"), row.P95DurationMs!.Value, 9);
                var byQuery = _service.GetQueryStats(window with { Server = server, GroupBy = QueryStatGroupBy.Query }, default);
                Assert.Equal(id == 0 ? 3 : 4, byQuery.Count);
                Assert.All(byQuery, r => Assert.Equal(id == 0, !r.QueryText!.Contains("shop")));
                var slow = _service.GetSlowQueries(new SlowQueryOptions { Hours = 24, Server = server }, default);
                Assert.Equal(row.SlowQueries, slow.Count);
            }
        }

        Check("raw");
        // one hour of each server
        Assert.Equal(2, new QueryRollups(new PgServerContext(_db.Info)).Refresh(default));
        Assert.Equal("0:300,7:200", _db.Scalar<string>("SELECT string_agg(server_id || ':' || total, ',' ORDER BY server_id) FROM pgperf.query_log_hourly_all"));
        Assert.Equal("0:3,7:4", _db.Scalar<string>("SELECT string_agg(server_id || ':' || n, ',' ORDER BY server_id) FROM (SELECT server_id, count(*) n FROM pgperf.query_log_texts GROUP BY 1) t"));
        Check("rollups");
    }
}
