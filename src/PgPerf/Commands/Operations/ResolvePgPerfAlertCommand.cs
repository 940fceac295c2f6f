using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Resolves alerts by id (pipeline from Get-PgPerfAlert) and returns them resolved. A registered server's alert (a row
/// of Get-PgPerfAlert -Repository, or -Repository with -Server) is resolved in its repository, as that server's.
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "PgPerfAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgPerfAlert))]
public sealed class ResolvePgPerfAlertCommand : PgRepositoryReaderCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public long[] Id { get; set; } = Array.Empty<long>();

    /// <summary>Recorded in resolved_by; defaults to the OS user running the cmdlet.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ResolvedBy { get; set; } = Environment.UserName;

    // Alert ids are numbers of one database (and with -Repository, of one registered server): the same -Id on several
    // servers would name different alerts.
    protected override bool SingleTarget => true;

    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = ReadFrom(target);
        var alerts = InstalledService<IAlertService>(source);
        var where = server is null ? target.Server : $"{server.Name} in repository {source.Server}";

        foreach (var id in Id)
        {
            if (!ShouldProcess($"alert {id} of {where}", "Resolve"))
                continue;
            TryInvoke(() =>
            {
                WriteObject(alerts.Resolve(id, ResolvedBy, server, CancellationToken));
            });
        }
    }
}
