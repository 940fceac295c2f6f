using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Transaction-ID (and multixact) wraparound distance of every database and of the oldest tables.</summary>
[Cmdlet(VerbsCommon.Get, "PgWraparoundRisk")]
[OutputType(typeof(PgWraparoundRisk))]
public sealed class GetPgWraparoundRiskCommand : PgLiveServerCmdlet
{
    [Parameter]
    [ValidateRange(0d, 100d)]
    public double WarningPercent { get; set; } = PgHealthDefaults.WraparoundWarningPercent;

    [Parameter]
    [ValidateRange(0d, 100d)]
    public double CriticalPercent { get; set; } = PgHealthDefaults.WraparoundCriticalPercent;

    [Parameter]
    [ValidateRange(0d, 1000d)]
    public double FreezeMaxAgeWarningPercent { get; set; } = PgHealthDefaults.FreezeMaxAgeWarningPercent;

    /// <summary>How many of the current database's oldest tables to list after the databases.</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int Top { get; set; } = PgHealthDefaults.WraparoundTopTables;

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var options = new PgWraparoundOptions
        {
            WarningPercent = WarningPercent,
            CriticalPercent = CriticalPercent,
            FreezeMaxAgeWarningPercent = FreezeMaxAgeWarningPercent,
            TopTables = Top,
        };
        WriteRows(target, Engine.Get<IHealthService>(target).GetWraparoundRisk(options, CancellationToken));
    }
}
