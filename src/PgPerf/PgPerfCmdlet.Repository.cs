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
            var (registry, servers) = RegisteredServers(repository, names);
            RepositoryRegistry = registry;
            _registered = servers.ToDictionary<PgMonitoredServer, PgConnectionInfo>(s => s.Connection!, ReferenceEqualityComparer.Instance);
            RunTargets(servers.Select(s => (s.Connection!, s.Name)));
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }

    /// <summary>
    /// The registry of <paramref name="repository"/> (checked to be one) and its servers whose name matches
    /// <paramref name="names"/> (wildcards; all when none); one error per name without wildcards that matches nothing.
    /// -Credential is the repository's login (as for the jobs' -Repository); each registered server keeps its own.
    /// </summary>
    private protected (IRepositoryService Registry, List<PgMonitoredServer> Servers) RegisteredServers(PgTarget repository, string[]? names)
    {
        var target = WithCredential(repository.Resolve());
        var registry = InstalledService<IRepositoryService>(target);
        registry.EnsurePrepared(CancellationToken);
        var servers = PgRepositoryCmdlet.Matching(registry.List(CancellationToken), names).Where(s => s.Connection is not null).ToList();
        foreach (var name in PgRepositoryCmdlet.Unmatched(servers, names))
            WriteError(ToErrorRecord(PgRepositoryCmdlet.ServerNotFound(name, target, "Server")));
        return (registry, servers);
    }

    /// <summary>
    /// The server the work on <paramref name="target"/> connects to, tested once before the work of a call with several
    /// targets: the target itself, or for a report read from a repository the repository (a registered server that is
    /// down still has its history there).
    /// </summary>
    private protected virtual PgConnectionInfo ReachedFor(PgConnectionInfo target) => target;

    /// <summary>How errors name a target of RunOnRegisteredServers (its registered name and address); null for any other target.</summary>
    private protected string? RegisteredLabel(PgConnectionInfo target) =>
        _registered is not null && _registered.TryGetValue(target, out var server) ? $"registered server '{server.Name}' ({target.Server})" : null;

    /// <summary>The registered server a target of RunOnRegisteredServers stands for.</summary>
    private protected PgMonitoredServer RegisteredServer(PgConnectionInfo target) =>
        _registered![target];

    /// <summary>
    /// The one choice of every cmdlet with -Repository/-Server: without a repository the record runs on -Connection's
    /// targets (<paramref name="onTargets"/>, the cmdlet's base.ProcessRecord), with one on its registered servers.
    /// </summary>
    private protected void RunOnTargetsOrRegistered(PgTarget? repository, string[]? servers, Action onTargets)
    {
        if (repository is null)
            onTargets();
        else
            RunOnRegisteredServers(repository, servers);
    }

    /// <summary>Refuses -Server (registered names) without -Repository, before anything is read.</summary>
    private protected void RequireRepositoryForServer(string[]? servers, PgTarget? repository)
    {
        if (servers is not null && repository is null)
            ThrowTerminating(new PgPerfException(PgPerfErrorIds.Repository.ServerWithoutRepository, PgPerfErrorKind.InvalidArgument,
                "-Server names servers registered in a central repository; give that repository with -Repository, or leave -Server out to read -Connection's own statistics.")
            { ParameterName = "Server" });
    }

    /// <summary>
    /// Where a report reads <paramref name="target"/>'s history: a server of RunOnRegisteredServers, or a row's connection
    /// to a registered server (Get-PgTopStatement -Repository | Get-PgStatementTrend), is read in its repository, as that
    /// server; any other target is read in itself (Server null).
    /// </summary>
    private protected (PgConnectionInfo Source, PgMonitoredServer? Server) HistorySource(PgConnectionInfo target)
    {
        var server = RepositoryRegistry is null ? target.Registration : RegisteredServer(target);
        return server?.Repository is { } repository ? (repository, server) : (target, null);
    }
}
