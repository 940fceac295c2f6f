using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Shared by the report cmdlets that read a central repository (issue 17): -Repository reads the statistics it holds
/// for each registered server (or those -Server names, wildcards), through the same fan-out as -Connection, and
/// every row's Server is the registered name. Without -Repository the cmdlet reads the target's own statistics, as
/// before. A cmdlet calls <see cref="ReadFrom"/> in ProcessTarget to learn where to read.
/// </summary>
public abstract class PgRepositoryReaderCmdlet : PgPerfCmdlet
{
    /// <summary>A central repository (Install-PgPerfSchema -Repository): reads what it holds for its registered servers.</summary>
    [Parameter]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>Registered names (wildcards) with -Repository; every registered server when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Server { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        RequireRepositoryForServer(Server, Repository);
    }

    protected override void ProcessRecord() => RunOnTargetsOrRegistered(Repository, Server, base.ProcessRecord);

    /// <summary>
    /// True for a report on the history a repository holds (ReadFrom), false for a cmdlet that works on the registered
    /// servers themselves. A history report reaches the repository only, so a registered server that is down is still
    /// reported from its history.
    /// </summary>
    private protected virtual bool ReadsHistory => false;

    private protected sealed override PgConnectionInfo ReachedFor(PgConnectionInfo target) =>
        ReadsHistory ? HistorySource(target).Source : target;

    /// <summary>
    /// Where a cmdlet that writes one file for all its servers (Export-PgPerfReport, Export-PgPerfMetric) reads: the one
    /// -Connection target (Servers null), or with -Repository the repository and its registered servers that -Server names.
    /// </summary>
    private protected (PgConnectionInfo Target, List<PgMonitoredServer>? Servers) OneFileSource() =>
        Repository is null ? (ResolveConnection(), null) : (WithCredential(Repository.Resolve()), RegisteredServers(Repository, Server).Servers);

    /// <summary>
    /// Where ProcessTarget reads <paramref name="target"/>'s statistics: the target itself, or for a registered server
    /// the repository, with the server's id and name.
    /// </summary>
    private protected (PgConnectionInfo Source, StatementServer? Server) ReadFrom(PgConnectionInfo target)
    {
        var (source, server) = HistorySource(target);
        return (source, server is null ? null : StatementServer.Of(server));
    }
}
