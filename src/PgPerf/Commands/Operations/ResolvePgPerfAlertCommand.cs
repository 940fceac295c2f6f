using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Resolves alerts by id (pipeline from Get-PgPerfAlert) and returns them resolved.</summary>
[Cmdlet(VerbsDiagnostic.Resolve, "PgPerfAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgPerfAlert))]
public sealed class ResolvePgPerfAlertCommand : PgPerfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public long[] Id { get; set; } = Array.Empty<long>();

    /// <summary>Recorded in resolved_by; defaults to the OS user running the cmdlet.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ResolvedBy { get; set; } = Environment.UserName;

    // Alert ids are numbers of one database: the same -Id on several servers would name different alerts.
    protected override bool SingleTarget => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var alerts = InstalledService<IAlertService>(target);

        foreach (var id in Id)
        {
            if (!ShouldProcess($"alert {id} on {target.Server}", "Resolve"))
                continue;
            TryInvoke(() =>
            {
                WriteObject(alerts.Resolve(id, ResolvedBy, CancellationToken));
            });
        }
    }
}
