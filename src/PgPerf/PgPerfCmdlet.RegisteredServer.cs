using System.Management.Automation;
using PgPerf.Commands;

namespace PgPerf;

// A cmdlet that writes into a central repository as one registered server (Send-PgQueryLog -Repository -Server).
public abstract partial class PgPerfCmdlet
{
    /// <summary>
    /// The registered server <paramref name="name"/> (one name, no wildcards) of <paramref name="repository"/> and the
    /// repository to write to; PgPerf.Repository.ServerNotFound when no server of that name is registered there.
    /// </summary>
    private protected (PgConnectionInfo Repository, StatementServer Server) OneRegisteredServer(PgTarget repository, string? name)
    {
        if (string.IsNullOrEmpty(name) || WildcardPattern.ContainsWildcardCharacters(name))
            throw new PgPerfException(PgPerfErrorIds.Query.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                "With -Repository the records are logged for one registered server: give its registered name with -Server " +
                "(no wildcards; Get-PgPerfServer -Repository lists them).") { ParameterName = "Server" };
        var target = repository.Resolve();
        var registry = InstalledService<IRepositoryService>(target);
        registry.EnsurePrepared(CancellationToken);
        var server = PgRepositoryCmdlet.Matching(registry.List(CancellationToken), new[] { name }).FirstOrDefault(s => s.ServerId != StatementServer.Local)
            ?? throw PgRepositoryCmdlet.ServerNotFound(name, target, "Server");
        return (target, new StatementServer(server.ServerId, server.Name) { Connection = server.Connection });
    }
}
