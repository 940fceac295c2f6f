using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists the servers registered in a central repository.</summary>
[Cmdlet(VerbsCommon.Get, "PgPerfServer")]
[OutputType(typeof(PgMonitoredServer))]
public sealed class GetPgPerfServerCommand : PgRepositoryCmdlet
{
    /// <summary>Registered names (wildcards); all servers when not given.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var (target, registry) = OpenRepository();
            var servers = Matching(registry.List(CancellationToken), Name).ToList();
            WriteObject(servers, enumerateCollection: true);
            ReportUnmatched(servers, Name, target);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }
}
