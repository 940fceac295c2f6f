using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Every sequence, how much of its range (or its column type's) is used, most used first.</summary>
[Cmdlet(VerbsCommon.Get, "PgSequenceRisk")]
[OutputType(typeof(PgSequenceRisk))]
public sealed class GetPgSequenceRiskCommand : PgLiveServerCmdlet
{
    [Parameter]
    [ValidateRange(0d, 100d)]
    public double WarningPercent { get; set; } = PgHealthDefaults.SequenceWarningPercent;

    [Parameter]
    [ValidateRange(0d, 100d)]
    public double CriticalPercent { get; set; } = PgHealthDefaults.SequenceCriticalPercent;

    /// <summary>Only sequences at least this much used (sequences that could not be read are always listed).</summary>
    [Parameter]
    [ValidateRange(0d, 100d)]
    public double MinPercentUsed { get; set; }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var rows = Engine.Get<IHealthService>(target).GetSequenceRisk(
            new PgSequenceRiskOptions { WarningPercent = WarningPercent, CriticalPercent = CriticalPercent }, CancellationToken);
        var unreadable = rows.Count(r => r.PercentUsed is null);
        if (unreadable > 0)
            WriteWarning($"{unreadable} sequence(s) on {NameOf(target)} could not be read by this login (Flags NoAccess, Status Warning). Install the pgperf schema (Install-PgPerfSchema adds pgperf.sequence_last_values for pgperf_monitor) or grant SELECT on the sequences.");
        WriteRows(target, rows.Where(r => r.PercentUsed is null || r.PercentUsed >= MinPercentUsed));
    }
}
