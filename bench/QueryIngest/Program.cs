// Ingest measurements for bench/QueryIngest.Bench.ps1, printed as "key|value" lines:
// per-row INSERT (autocommit), raw Npgsql binary COPY (10,000 and 1,000 per batch), Send alone (10,000 per call)
// and the Engine's in-process writer (IQueryLogService.Enqueue: caller cost per call, and rows/s end to end until
// flushed). The machine is shared: raw COPY, Send and the writer run in turn within each repeat, and the ratios
// are medians of the ratios within one repeat, so a busy moment hits both sides of a ratio.
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using PgPerf;

var connectionString = args[0];
var rows = int.Parse(args[1]);
var repeat = args.Length > 2 ? int.Parse(args[2]) : 3;

var random = new Random(7);
var entries = Enumerable.Range(0, rows).Select(i => QueryLogRules.Create(
    $"query.{i % 200}", Math.Round(Math.Exp(3 + 1.4 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())), 3),
    DateTimeOffset.UtcNow.AddSeconds(-random.Next(3600)), $"/api/e{i % 20}", $"u{i % 1000}", null, ParameterMode.Keep, false, new List<string>())).ToList();

await using var dataSource = NpgsqlDataSource.Create(connectionString);
async Task Sql(string sql) { await using var c = dataSource.CreateCommand(sql); await c.ExecuteNonQueryAsync(); }
double Median(List<double> v) { v.Sort(); return v[(v.Count - 1) / 2]; }
List<PgQueryLogEntry> Copies(int count) => entries.Take(count).Select(e => new PgQueryLogEntry
{
    RecordId = Guid.NewGuid(), LoggedAt = e.LoggedAt, QueryText = e.QueryText, QueryHash = e.QueryHash, DurationMs = e.DurationMs,
    Endpoint = e.Endpoint, UserId = e.UserId,
}).ToList();

// Per-row INSERT, autocommit (2,000 rows).
{
    var times = new List<double>();
    for (var r = 0; r < repeat; r++)
    {
        await Sql("TRUNCATE pgperf.query_performance_logs");
        await using var conn = await dataSource.OpenConnectionAsync();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 2000; i++)
        {
            var e = entries[i];
            await using var cmd = new NpgsqlCommand("INSERT INTO pgperf.query_performance_logs (record_id, logged_at, query_text, query_hash, duration_ms, endpoint, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)", conn);
            cmd.Parameters.Add(new() { Value = e.RecordId }); cmd.Parameters.Add(new() { Value = e.LoggedAt.UtcDateTime });
            cmd.Parameters.Add(new() { Value = e.QueryText }); cmd.Parameters.Add(new() { Value = e.QueryHash });
            cmd.Parameters.Add(new() { Value = e.DurationMs }); cmd.Parameters.Add(new() { Value = e.Endpoint! }); cmd.Parameters.Add(new() { Value = e.UserId! });
            await cmd.ExecuteNonQueryAsync();
        }
        times.Add(2000 / sw.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"insert_rows_per_s|{Median(times):F0}");
}

// Raw binary COPY, one transaction per batch, on one open connection.
async Task<double> RawCopy(int batch)
{
    await Sql("TRUNCATE pgperf.query_performance_logs");
    await using var conn = await dataSource.OpenConnectionAsync();
    var sw = Stopwatch.StartNew();
    for (var start = 0; start < rows; start += batch)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await using (var importer = await conn.BeginBinaryImportAsync("COPY pgperf.query_performance_logs (record_id, logged_at, query_text, query_hash, duration_ms, endpoint, user_id, parameters, is_error, query_truncated) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = start; i < Math.Min(rows, start + batch); i++)
            {
                var e = entries[i];
                await importer.StartRowAsync();
                await importer.WriteAsync(e.RecordId, NpgsqlDbType.Uuid);
                await importer.WriteAsync(e.LoggedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(e.QueryText, NpgsqlDbType.Text);
                await importer.WriteAsync(e.QueryHash, NpgsqlDbType.Text);
                await importer.WriteAsync(e.DurationMs, NpgsqlDbType.Double);
                await importer.WriteAsync(e.Endpoint!, NpgsqlDbType.Text);
                await importer.WriteAsync(e.UserId!, NpgsqlDbType.Text);
                await importer.WriteNullAsync();
                await importer.WriteAsync(false, NpgsqlDbType.Boolean);
                await importer.WriteAsync(false, NpgsqlDbType.Boolean);
            }
            await importer.CompleteAsync();
        }
        await tx.CommitAsync();
    }
    return rows / sw.Elapsed.TotalSeconds;
}

var engine = PgPerf.Engine.EngineEntry.Create();
var service = engine.Get<IQueryLogService>(PgConnectionParser.Parse(connectionString));
var spool = Path.Combine(Path.GetTempPath(), "pgperf-bench-spool-" + Environment.ProcessId);
// Alerts off: the raw COPY reference raises none either.
var options = new QuerySendOptions { SpoolDirectory = spool, AlertThresholdMs = 0 };
service.Send(entries.Take(1).ToList(), options, default); // warm: schema check, connection, partitions

var copy10000 = new List<double>();
var copy1000 = new List<double>();
var send = new List<double>();
var writer = new List<double>();
var writerRatio = new List<double>();
var sendRatio = new List<double>();
var paced = new List<double>();
var landed = 0L;
async Task<double> SendDirect()
{
    // Send alone (no buffer, no background thread), 10,000 per call: splits the writer's cost into Send and the buffer.
    await Sql("TRUNCATE pgperf.query_performance_logs");
    var copies = Copies(rows);
    var sw = Stopwatch.StartNew();
    for (var start = 0; start < rows; start += 10_000)
        service.Send(copies.GetRange(start, Math.Min(10_000, rows - start)), options, default);
    return rows / sw.Elapsed.TotalSeconds;
}
async Task<double> Writer()
{
    // The Engine's writer: Enqueue on the caller's thread, background COPY, until Flush returns.
    await Sql("TRUNCATE pgperf.query_performance_logs");
    var copies = Copies(rows);
    var sw = Stopwatch.StartNew();
    var caller = Stopwatch.StartNew();
    foreach (var e in copies) service.Enqueue(e, options);
    caller.Stop();
    if (!service.Flush(TimeSpan.FromMinutes(5))) throw new InvalidOperationException("flush timed out");
    var result = rows / sw.Elapsed.TotalSeconds;
    paced.Add(caller.Elapsed.TotalMilliseconds * 1000 / rows);
    var problem = service.TakeBackgroundResult();
    if (problem is not null) Console.WriteLine($"writer_problem|spooled {problem.Spooled}: {problem.Failure?.Message}");
    await using (var count = dataSource.CreateCommand("SELECT count(*) FROM pgperf.query_performance_logs"))
        landed += (long)(await count.ExecuteScalarAsync())!;
    return result;
}
for (var r = 0; r < repeat; r++)
{
    // Alternate the order (ABBA) so a trend in the machine's load favours neither side.
    double raw, s, w;
    if (r % 2 == 0) { raw = await RawCopy(10_000); s = await SendDirect(); w = await Writer(); }
    else { w = await Writer(); s = await SendDirect(); raw = await RawCopy(10_000); }
    copy10000.Add(raw); send.Add(s); writer.Add(w);
    sendRatio.Add(s / raw); writerRatio.Add(w / raw);
    copy1000.Add(await RawCopy(1_000));
}
Console.WriteLine($"runs_copy_send_writer|{string.Join("  ", Enumerable.Range(0, repeat).Select(i => $"{copy10000[i]:F0}/{send[i]:F0}/{writer[i]:F0}"))}");
Console.WriteLine($"copy10000_rows_per_s|{Median(copy10000):F0}");
Console.WriteLine($"copy1000_rows_per_s|{Median(copy1000):F0}");
Console.WriteLine($"send10000_rows_per_s|{Median(send):F0}");
Console.WriteLine($"send10000_vs_copy|{Median(sendRatio):F3}");
Console.WriteLine($"writer_rows_per_s|{Median(writer):F0}");
Console.WriteLine($"writer_vs_copy|{Median(writerRatio):F3}");
Console.WriteLine($"writer_enqueue_paced_us|{Median(paced):F3}");

// Caller cost when the buffer has room (a burst smaller than its 100,000 records): the usual case.
var unblocked = new List<double>();
await Sql("TRUNCATE pgperf.query_performance_logs");
for (var r = 0; r < repeat; r++)
{
    var burst = Copies(50_000);
    var caller = Stopwatch.StartNew();
    foreach (var e in burst) service.Enqueue(e, options);
    caller.Stop();
    unblocked.Add(caller.Elapsed.TotalMilliseconds * 1000 / burst.Count);
    service.Flush(TimeSpan.FromMinutes(5));
}
Console.WriteLine($"writer_enqueue_unblocked_us|{Median(unblocked):F3}");
await using (var count = dataSource.CreateCommand("SELECT count(*) FROM pgperf.query_performance_logs"))
    landed += (long)(await count.ExecuteScalarAsync())!;
Console.WriteLine($"writer_rows_landed|{landed} of {(long)rows * repeat + repeat * 50_000L}");
if (Directory.Exists(spool)) Directory.Delete(spool, true);
await Sql("TRUNCATE pgperf.query_performance_logs");
