using Xunit;

namespace PgPerf.Tests.Health;

public class ReplicationRulesTests
{
    private static readonly PgReplicationThresholds Defaults = new();

    [Theory]
    [InlineData(0.0, 0L, "Ok")]
    [InlineData(59.9, 0L, "Ok")]
    [InlineData(60.0, 0L, "Warning")]
    [InlineData(299.0, 0L, "Warning")]
    [InlineData(300.0, 0L, "Critical")]
    [InlineData(0.0, 128L * 1024 * 1024 - 1, "Ok")]
    [InlineData(0.0, 128L * 1024 * 1024, "Warning")]
    [InlineData(1.0, 1024L * 1024 * 1024, "Critical")]
    public void Lag_is_judged_in_seconds_and_bytes_the_worse_wins(double seconds, long bytes, string expected) =>
        Assert.Equal(expected, ReplicationRules.Lag(seconds, bytes, Defaults, "lag").Status);

    [Fact]
    public void Unknown_lag_is_not_a_problem_by_itself() =>
        Assert.Equal("Ok", ReplicationRules.Lag(null, null, Defaults, "lag").Status);

    [Fact]
    public void A_streaming_standby_is_judged_by_its_lag_and_one_still_catching_up_is_a_warning()
    {
        Assert.Equal("Ok", ReplicationRules.Judge(new PgReplicationStandby { State = "streaming", ReplayLagBytes = 10, ReplayLagSeconds = 0 }, Defaults).Status);
        var catchup = ReplicationRules.Judge(new PgReplicationStandby { State = "catchup", ReplayLagBytes = 10 }, Defaults);
        Assert.Equal("Warning", catchup.Status);
        Assert.Contains("catchup", catchup.Reason, StringComparison.Ordinal);
        Assert.Equal("Critical", ReplicationRules.Judge(new PgReplicationStandby { State = "catchup", ReplayLagSeconds = 301 }, Defaults).Status);
    }

    [Fact]
    public void A_disconnected_standby_is_critical_and_names_its_slot()
    {
        var (status, reason) = ReplicationRules.Judge(new PgReplicationStandby { State = "disconnected", SlotName = "replica_a", ReplayLagBytes = 3 * 1024 * 1024 }, Defaults);
        Assert.Equal("Critical", status);
        Assert.Contains("replica_a", reason, StringComparison.Ordinal);
        Assert.Contains("3 MB", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inactive_slot_that_reserves_wal_is_flagged_and_one_that_reserves_nothing_is_not()
    {
        Assert.Equal("Warning", ReplicationRules.Judge(new PgReplicationSlot { Active = false, RestartLsn = "0/3000000", RetainedWalBytes = 0 }, Defaults).Status);
        Assert.Equal("Ok", ReplicationRules.Judge(new PgReplicationSlot { Active = false, RestartLsn = null }, Defaults).Status);
        Assert.Equal("Ok", ReplicationRules.Judge(new PgReplicationSlot { Active = true, RestartLsn = "0/3000000", RetainedWalBytes = 100 }, Defaults).Status);
        var limits = Defaults with { SlotWarningBytes = 1000 };
        Assert.Equal("Ok", ReplicationRules.Judge(new PgReplicationSlot { Active = false, RestartLsn = "0/3000000", RetainedWalBytes = 999 }, limits).Status);
        Assert.Equal("Warning", ReplicationRules.Judge(new PgReplicationSlot { Active = false, RestartLsn = "0/3000000", RetainedWalBytes = 1000 }, limits).Status);
    }

    [Theory]
    [InlineData(true, "reserved", 5L * 1024 * 1024 * 1024, "Critical")]
    [InlineData(true, "reserved", 5L * 1024 * 1024 * 1024 - 1, "Ok")]
    [InlineData(true, "unreserved", 0L, "Critical")]
    [InlineData(false, "lost", 0L, "Critical")]
    public void A_slot_about_to_lose_or_that_lost_its_wal_is_critical(bool active, string walStatus, long retained, string expected) =>
        Assert.Equal(expected, ReplicationRules.Judge(new PgReplicationSlot { Active = active, WalStatus = walStatus, RestartLsn = "0/1", RetainedWalBytes = retained }, Defaults).Status);

    [Fact]
    public void A_receiver_that_does_not_stream_is_critical_and_paused_replay_a_warning()
    {
        Assert.Equal("Critical", ReplicationRules.Judge(new PgReplicationReceiver { State = "stopped" }, Defaults).Status);
        Assert.Equal("Ok", ReplicationRules.Judge(new PgReplicationReceiver { State = "streaming", ReplayLagBytes = 0, ReplayLagSeconds = 0, LastMessageAgeSeconds = 1 }, Defaults).Status);
        var paused = ReplicationRules.Judge(new PgReplicationReceiver { State = "streaming", ReplayPaused = true, ReplayLagBytes = 0 }, Defaults);
        Assert.Equal(("Warning", "replay is paused (pg_wal_replay_resume() resumes it)"), paused);
        // Received-but-not-replayed and not-yet-received bytes add up.
        var behind = ReplicationRules.Judge(new PgReplicationReceiver { State = "streaming", ReceiveLagBytes = 64L * 1024 * 1024, ReplayLagBytes = 64L * 1024 * 1024 }, Defaults);
        Assert.Equal("Warning", behind.Status);
        Assert.Equal("Warning", ReplicationRules.Judge(new PgReplicationReceiver { State = "streaming", LastMessageAgeSeconds = 90 }, Defaults).Status);
    }
}
