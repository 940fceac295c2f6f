using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Per table: dead rows and changes against autovacuum's own thresholds, and vacuums running now.</summary>
[Cmdlet(VerbsCommon.Get, "PgVacuumHealth")]
[OutputType(typeof(PgVacuumHealth))]
public sealed class GetPgVacuumHealthCommand : PgLiveServerCmdlet
{
    /// <summary>Dead rows at this multiple of the vacuum threshold make the table's Status a Warning.</summary>
    [Parameter]
    [ValidateRange(1d, 1000d)]
    public double OverdueFactor { get; set; } = PgHealthDefaults.VacuumOverdueFactor;

    /// <summary>Only tables due for a vacuum or analyze, or being vacuumed now.</summary>
    [Parameter]
    public SwitchParameter DueOnly { get; set; }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var rows = Engine.Get<IHealthService>(target).GetVacuumHealth(new PgVacuumHealthOptions { OverdueFactor = OverdueFactor }, CancellationToken);
        WriteRows(target, rows.Where(r => !DueOnly || r.VacuumDue || r.AnalyzeDue || r.VacuumPid is not null));
    }
}
