using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Replication as this server sees it now: its standbys (with replay lag), its replication slots (with the WAL
/// each keeps) and, when it is a standby, its own receive and replay lag. Each row has a Status.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgReplicationStatus")]
[OutputType(typeof(PgReplicationReceiver), typeof(PgReplicationStandby), typeof(PgReplicationSlot))]
public sealed class GetPgReplicationStatusCommand : PgLiveServerCmdlet
{
    private const double MB = 1024 * 1024;

    /// <summary>Only these kinds of rows: Receiver, Standby, Slot.</summary>
    [Parameter]
    [ValidateSet("Receiver", "Standby", "Slot")]
    public string[]? Kind { get; set; }

    [Parameter]
    [ValidateRange(0, 31_536_000)]
    public double LagWarningSeconds { get; set; } = ReplicationRules.DefaultLagWarningSeconds;

    [Parameter]
    [ValidateRange(0, 31_536_000)]
    public double LagCriticalSeconds { get; set; } = ReplicationRules.DefaultLagCriticalSeconds;

    [Parameter]
    [ValidateRange(0, 100_000_000)]
    public double LagWarningMB { get; set; } = ReplicationRules.DefaultLagWarningBytes / MB;

    [Parameter]
    [ValidateRange(0, 100_000_000)]
    public double LagCriticalMB { get; set; } = ReplicationRules.DefaultLagCriticalBytes / MB;

    [Parameter]
    [ValidateRange(0, 100_000_000)]
    public double SlotWarningMB { get; set; } = ReplicationRules.DefaultSlotWarningBytes / MB;

    [Parameter]
    [ValidateRange(0, 100_000_000)]
    public double SlotCriticalMB { get; set; } = ReplicationRules.DefaultSlotCriticalBytes / MB;

    protected override void ProcessRecord()
    {
        if (LagWarningSeconds > LagCriticalSeconds || LagWarningMB > LagCriticalMB || SlotWarningMB > SlotCriticalMB)
        {
            ThrowTerminating(new PgPerfException(PgPerfErrorIds.Replication.InvalidThreshold, PgPerfErrorKind.InvalidArgument,
                "A warning threshold is above its critical threshold. Give -LagWarningSeconds <= -LagCriticalSeconds, -LagWarningMB <= -LagCriticalMB and -SlotWarningMB <= -SlotCriticalMB.")
                { ParameterName = nameof(LagWarningSeconds) });
            return;
        }
        base.ProcessRecord();
    }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var report = Engine.Get<IReplicationService>(target).Read(new PgReplicationThresholds
        {
            LagWarningSeconds = LagWarningSeconds,
            LagCriticalSeconds = LagCriticalSeconds,
            LagWarningBytes = (long)(LagWarningMB * MB),
            LagCriticalBytes = (long)(LagCriticalMB * MB),
            SlotWarningBytes = (long)(SlotWarningMB * MB),
            SlotCriticalBytes = (long)(SlotCriticalMB * MB),
        }, CancellationToken);
        if (report.Receiver is not null && Wanted("Receiver"))
            WriteObject(Named(target, report.Receiver));
        if (Wanted("Standby"))
            WriteRows(target, report.Standbys);
        if (Wanted("Slot"))
            WriteRows(target, report.Slots);
    }

    private bool Wanted(string kind) => Kind is null || Kind.Contains(kind, StringComparer.OrdinalIgnoreCase);
}
