using System.Management.Automation;
using PgPerf.Commands;

namespace PgPerf;

// A central repository (issue 17): a cmdlet with -Repository and -Server runs its work once per registered server,
// through the same fan-out as -Connection (parallel, -ThrottleLimit, one error per failed server, progress).
public abstract partial class PgPerfCmdlet
{
    // By reference: each registered server has its own PgConnectionInfo, and ProcessTarget gets that very object.
    private Dictionary<PgConnectionInfo, PgMonitoredServer>? _registered;

    /// <summary>The repository's registry while a call runs on its registered servers; null otherwise.</summary>
    private protected IRepositoryService? RepositoryRegistry { get; private set; }

    /// <summary>
    /// Runs ProcessTarget for every server registered in <paramref name="repository"/> whose name matches
    /// <paramref name="names"/> (wildcards; all when none). A name without wildcards that matches nothing is an error.
    /// </summary>
    private protected void RunOnRegisteredServers(PgTarget repository, string[]? names)
    {
        try
        {
            var target = repository.Resolve();
            var registry = InstalledService<IRepositoryService>(target);
            registry.EnsurePrepared(CancellationToken);
            var servers = PgRepositoryCmdlet.Matching(registry.List(CancellationToken), names).Where(s => s.Connection is not null).ToList();
            foreach (var name in PgRepositoryCmdlet.Unmatched(servers, names))
                WriteError(ToErrorRecord(PgRepositoryCmdlet.ServerNotFound(name, target, "Server")));
            RepositoryRegistry = registry;
            _registered = servers.ToDictionary<PgMonitoredServer, PgConnectionInfo>(s => s.Connection!, ReferenceEqualityComparer.Instance);
            RunTargets(servers.Select(s => (s.Connection!, s.Name)));
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }

    /// <summary>The registered server a target of RunOnRegisteredServers stands for.</summary>
    private protected PgMonitoredServer RegisteredServer(PgConnectionInfo target) =>
        _registered![target];
}
