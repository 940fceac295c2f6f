using Npgsql;
using Xunit;

namespace PgPerf.Tests.Health;

/// <summary>Real sessions on the throwaway server: each its own unpooled connection, closed on dispose.</summary>
internal sealed class TestSessions : IDisposable
{
    private readonly string _connectionString;
    private readonly List<NpgsqlConnection> _open = new();

    public TestSessions(TestDatabase db) =>
        _connectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false, ApplicationName = "pgperf-test-session" }.ConnectionString;

    public NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        _open.Add(connection);
        return connection;
    }

    public static void Run(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Starts a statement that will wait; the task ends when it finishes or fails.</summary>
    public static Task Start(NpgsqlConnection connection, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteNonQueryAsync();
    }

    /// <summary>Polls pg_stat_activity (from another session) until the pids wait for a lock; fails after 15 s.</summary>
    public void WaitUntilWaiting(params int[] pids)
    {
        using var watcher = new NpgsqlConnection(_connectionString);
        watcher.Open();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (@pids) AND wait_event_type = 'Lock'", watcher);
            command.Parameters.AddWithValue("pids", pids);
            if ((long)command.ExecuteScalar()! == pids.Length)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"sessions {string.Join(",", pids)} never waited for a lock");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        foreach (var connection in _open)
        {
            try { connection.Dispose(); } catch (NpgsqlException) { } catch (InvalidOperationException) { }
        }
    }
}

public class BlockingAndActivityTests
{
    [Fact]
    public async Task A_chain_of_two_waiters_resolves_to_its_root_and_stopping_the_root_frees_it()
    {
        using var db = new TestDatabase();
        db.Execute("CREATE TABLE orders (id int PRIMARY KEY, status text); INSERT INTO orders VALUES (1, 'new')");
        using var sessions = new TestSessions(db);
        var holder = sessions.Open();
        var alter = sessions.Open();
        var reader = sessions.Open();
        TestSessions.Run(holder, "BEGIN; UPDATE orders SET status = 'paid' WHERE id = 1");
        // ALTER TABLE needs AccessExclusive: waits for the holder's RowExclusive. The SELECT queues behind the ALTER.
        var altering = TestSessions.Start(alter, "ALTER TABLE orders ADD COLUMN note text");
        sessions.WaitUntilWaiting(alter.ProcessID);
        var reading = TestSessions.Start(reader, "SELECT count(*) FROM orders");
        sessions.WaitUntilWaiting(alter.ProcessID, reader.ProcessID);

        var engine = TestDatabase.NewEngine();
        var health = engine.Get<IHealthService>(db.Info);
        var rows = health.GetBlocking(default).Where(r => r.Database == db.Name).OrderBy(r => r.ChainDepth).ToList();

        Assert.Equal(2, rows.Count);
        var first = rows[0];
        Assert.Equal(alter.ProcessID, first.BlockedPid);
        Assert.Equal(holder.ProcessID, first.BlockingPid);
        Assert.Equal(holder.ProcessID, first.RootBlockingPid);
        Assert.Equal(1, first.ChainDepth);
        Assert.Equal("AccessExclusiveLock", first.LockMode);
        Assert.Equal("relation", first.LockType);
        Assert.Equal("orders", first.Relation);
        Assert.Equal("idle in transaction", first.BlockingState);
        Assert.Contains("UPDATE orders", first.BlockingQuery);
        Assert.Contains("ALTER TABLE", first.BlockedQuery);
        Assert.Equal(holder.ProcessID, first.Pid);
        var second = rows[1];
        Assert.Equal(reader.ProcessID, second.BlockedPid);
        Assert.Equal(alter.ProcessID, second.BlockingPid);
        Assert.Equal(holder.ProcessID, second.RootBlockingPid);
        Assert.Equal(2, second.ChainDepth);
        Assert.Equal("AccessShareLock", second.LockMode);
        Assert.InRange(second.WaitSeconds, 0, 60);
        Assert.True(first.WaitSeconds >= second.WaitSeconds, "the ALTER has waited longer than the SELECT queued behind it");

        // Get-PgActivity: who waits for whom, and the holder idle in its transaction.
        var activity = health.GetActivity(new PgActivityOptions(), default).Where(a => a.Database == db.Name).ToList();
        Assert.Equal(new[] { holder.ProcessID }, activity.Single(a => a.Pid == alter.ProcessID).BlockedBy);
        Assert.Equal(new[] { alter.ProcessID }, activity.Single(a => a.Pid == reader.ProcessID).BlockedBy);
        var held = activity.Single(a => a.Pid == holder.ProcessID);
        Assert.Equal("idle in transaction", held.State);
        Assert.Empty(held.BlockedBy);
        Assert.NotNull(held.XactStart);
        Assert.True(held.TransactionSeconds >= first.WaitSeconds - 1);

        // The blocking check: one finding for the root, judged by the longest wait behind it.
        var checks = engine.Get<IHealthCheckService>(db.Info);
        var blocking = PgHealthChecks.All.Single(c => c.Name == "blocking");
        Assert.Equal(PgHealthStatus.Ok, checks.Run(blocking, new Dictionary<string, double>(), default).Status);
        var warned = checks.Run(blocking, new Dictionary<string, double> { ["BlockingWarningSeconds"] = 0 }, default);
        Assert.Equal(PgHealthStatus.Warning, warned.Status);
        Assert.Equal($"pid {holder.ProcessID}", warned.Target);
        Assert.Contains("blocks 2 session(s)", warned.Detail);
        Assert.Equal(PgHealthStatus.Critical, checks.Run(blocking, new Dictionary<string, double> { ["BlockingWarningSeconds"] = 0, ["BlockingCriticalSeconds"] = 0 }, default).Status);

        // Cancelling the SELECT fails only that statement; terminating the root lets the ALTER through.
        var cancelled = health.StopSession(reader.ProcessID, terminate: false, default);
        Assert.True(cancelled.Signalled);
        Assert.Equal("Cancel", cancelled.Action);
        var cancel = await Assert.ThrowsAsync<PostgresException>(() => reading);
        Assert.Equal("57014", cancel.SqlState);
        var terminated = health.StopSession(holder.ProcessID, terminate: true, default);
        Assert.True(terminated.Signalled);
        Assert.Equal("idle in transaction", terminated.State);
        await altering.WaitAsync(TimeSpan.FromSeconds(15));   // the ALTER finishes once its blocker is gone
        Assert.DoesNotContain(health.GetBlocking(default), r => r.Database == db.Name);
    }

    [Fact]
    public void Activity_filters_by_state_and_duration_and_leaves_PgPerf_out()
    {
        using var db = new TestDatabase();
        using var sessions = new TestSessions(db);
        var idleInTransaction = sessions.Open();
        var idle = sessions.Open();
        TestSessions.Run(idleInTransaction, "BEGIN; SELECT 1");
        TestSessions.Run(idle, "SELECT 1");
        Thread.Sleep(1100);   // a second in its state, so a one-second filter keeps it

        var engine = TestDatabase.NewEngine();
        var health = engine.Get<IHealthService>(db.Info);
        List<PgSessionActivity> Mine(PgActivityOptions options) => health.GetActivity(options, default).Where(a => a.Database == db.Name).ToList();

        var defaults = Mine(new PgActivityOptions());
        Assert.Contains(defaults, a => a.Pid == idleInTransaction.ProcessID && a.State == "idle in transaction" && a.Application == "pgperf-test-session");
        Assert.DoesNotContain(defaults, a => a.Pid == idle.ProcessID);
        var withIdle = Mine(new PgActivityOptions { IncludeIdle = true });
        Assert.Contains(withIdle, a => a.Pid == idle.ProcessID && a.State == "idle" && a.TransactionSeconds is null);
        Assert.Equal(new[] { idle.ProcessID }, Mine(new PgActivityOptions { States = new[] { "idle" } }).Select(a => a.Pid));
        Assert.Equal(new[] { idleInTransaction.ProcessID }, Mine(new PgActivityOptions { States = new[] { "idle in transaction" }, MinDurationSeconds = 1 }).Select(a => a.Pid));
        Assert.Empty(Mine(new PgActivityOptions { MinDurationSeconds = 3600 }));

        // PgPerf's own pooled session is in pg_stat_activity, but never in Get-PgActivity, and cannot be stopped.
        var own = db.Scalar<int>($"SELECT pid FROM pg_stat_activity WHERE datname = '{db.Name}' AND application_name = 'PgPerf' LIMIT 1");
        Assert.NotEqual(0, own);
        Assert.DoesNotContain(withIdle, a => a.Pid == own);
        var refused = Assert.Throws<PgPerfException>(() => health.StopSession(own, terminate: true, default));
        Assert.Equal("PgPerf.Session.OwnSession", refused.ErrorId);
        Assert.Equal(1L, db.Scalar<long>($"SELECT count(*) FROM pg_stat_activity WHERE pid = {own}"));

        var missing = Assert.Throws<PgPerfException>(() => health.StopSession(int.MaxValue - 1, terminate: false, default));
        Assert.Equal("PgPerf.Session.NotFound", missing.ErrorId);
        var background = db.Scalar<int>("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
        Assert.Equal("PgPerf.Session.NotClient", Assert.Throws<PgPerfException>(() => health.StopSession(background, terminate: true, default)).ErrorId);

        // The long_transaction check sees the idle-in-transaction session (keyed by pid and transaction start).
        var check = PgHealthChecks.All.Single(c => c.Name == "long_transaction");
        var checks = engine.Get<IHealthCheckService>(db.Info);
        var result = checks.Run(check, new Dictionary<string, double> { ["LongTransactionWarningSeconds"] = 1 }, default);
        var finding = Assert.Single(result.Findings, f => f.Target == $"pid {idleInTransaction.ProcessID}");
        Assert.Equal(PgHealthStatus.Warning, finding.Status);
        Assert.StartsWith($"{idleInTransaction.ProcessID}:", finding.Key);
        Assert.DoesNotContain(result.Findings, f => f.Target == $"pid {idle.ProcessID}");
        Assert.DoesNotContain(checks.Run(check, new Dictionary<string, double>(), default).Findings, f => f.Target == $"pid {idleInTransaction.ProcessID}");
    }
}
