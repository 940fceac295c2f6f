// Ingest measurements for bench/QueryScale.Bench.ps1, printed as "key|value" lines:
// per-row INSERT (autocommit), raw Npgsql binary COPY (10,000 and 1,000 per batch), and the Engine's
// in-process writer (IQueryLogService.Enqueue: caller cost per call, and rows/s end to end until flushed).
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

// Raw binary COPY, one transaction per batch.
foreach (var batch in new[] { 10_000, 1_000 })
{
    var times = new List<double>();
    for (var r = 0; r < repeat; r++)
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
        times.Add(rows / sw.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"copy{batch}_rows_per_s|{Median(times):F0}");
}

// The Engine's writer: Enqueue on the caller's thread, background COPY, until Flush returns.
{
    var engine = PgPerf.Engine.EngineEntry.Create();
    var service = engine.Get<IQueryLogService>(PgConnectionParser.Parse(connectionString));
    var spool = Path.Combine(Path.GetTempPath(), "pgperf-bench-spool");
    // Alerts off: the raw COPY reference raises none either.
    var options = new QuerySendOptions { SpoolDirectory = spool, AlertThresholdMs = 0 };
    service.Send(entries.Take(1).ToList(), options, default); // warm: schema check, connection, partitions
    var endToEnd = new List<double>();
    var perCall = new List<double>();
    for (var r = 0; r < repeat; r++)
    {
        await Sql("TRUNCATE pgperf.query_performance_logs");
        var copies = entries.Select(e => new PgQueryLogEntry
        {
            RecordId = Guid.NewGuid(), LoggedAt = e.LoggedAt, QueryText = e.QueryText, QueryHash = e.QueryHash, DurationMs = e.DurationMs,
            Endpoint = e.Endpoint, UserId = e.UserId,
        }).ToList();
        var sw = Stopwatch.StartNew();
        var caller = Stopwatch.StartNew();
        foreach (var e in copies) service.Enqueue(e, options);
        caller.Stop();
        if (!service.Flush(TimeSpan.FromMinutes(5))) throw new InvalidOperationException("flush timed out");
        endToEnd.Add(rows / sw.Elapsed.TotalSeconds);
        perCall.Add(caller.Elapsed.TotalMilliseconds * 1000 / rows);
        var problem = service.TakeBackgroundResult();
        if (problem is not null) Console.WriteLine($"writer_problem|spooled {problem.Spooled}: {problem.Failure?.Message}");
    }
    // Caller cost when the buffer has room (a burst smaller than its 100,000 records): the usual case.
    var unblocked = new List<double>();
    for (var r = 0; r < repeat; r++)
    {
        var burst = entries.Take(50_000).Select(e => new PgQueryLogEntry { RecordId = Guid.NewGuid(), LoggedAt = e.LoggedAt, QueryText = e.QueryText, QueryHash = e.QueryHash, DurationMs = e.DurationMs }).ToList();
        var caller = Stopwatch.StartNew();
        foreach (var e in burst) service.Enqueue(e, options);
        caller.Stop();
        unblocked.Add(caller.Elapsed.TotalMilliseconds * 1000 / burst.Count);
        service.Flush(TimeSpan.FromMinutes(5));
    }
    Console.WriteLine($"writer_enqueue_unblocked_us|{Median(unblocked):F3}");
    await using (var count = dataSource.CreateCommand("SELECT count(*) FROM pgperf.query_performance_logs"))
        Console.WriteLine($"writer_rows_landed|{await count.ExecuteScalarAsync()} of {rows + repeat * 50_000}");
    Console.WriteLine($"writer_rows_per_s|{Median(endToEnd):F0}");
    Console.WriteLine($"writer_enqueue_paced_us|{Median(perCall):F3}");
    if (Directory.Exists(spool)) Directory.Delete(spool, true);
}
await Sql("TRUNCATE pgperf.query_performance_logs");
