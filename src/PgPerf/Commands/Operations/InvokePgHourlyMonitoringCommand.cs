using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>The spec's hourly job: snapshots and the query-performance check, each step isolated, under a per-job lock.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgHourlyMonitoring", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PgJobResult))]
public sealed class InvokePgHourlyMonitoringCommand : PgJobCmdlet
{
    protected override PgJobKind Job => PgJobKind.Hourly;
}
