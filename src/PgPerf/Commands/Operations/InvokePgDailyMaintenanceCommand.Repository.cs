using System.Management.Automation;

namespace PgPerf.Commands;

// Invoke-PgDailyMaintenance -Repository (issue 17). A repository keeps every registered server's history in the same
// tables, partitioned by day with the server id in every key, so its retention is one run over the repository
// database (dropping a day drops it for every server), not one per server. The daily job's other steps watch the
// repository database itself, as on any database with the pgperf schema, plus one step that raises each registered
// server's unused-index alerts from the repository's history (JobSteps.For, PgJobOptions.RegisteredServers). The parameter exists so that one scheduled
// entry per job serves a whole fleet with the same -Repository as the hourly job, and so that a database that is not
// a repository is refused before anything is deleted.
public sealed partial class InvokePgDailyMaintenanceCommand
{
    private const string ConnectionSet = "Connection";
    private const string RepositorySet = "Repository";

    /// <summary>A central repository (Install-PgPerfSchema -Repository): the daily job runs there, its retention over every registered server's history.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RepositorySet)]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    protected override void ProcessRecord()
    {
        if (Repository is null)
        {
            base.ProcessRecord();
            return;
        }
        PgConnectionInfo repository;
        try
        {
            repository = WithCredential(Repository.Resolve());
            InstalledService<IRepositoryService>(repository).EnsurePrepared(CancellationToken);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
            return;
        }
        RunTargets(new[] { (repository, repository.Server) });
    }
}
