namespace PgPerf.Engine.Repository;

// The application's query log of a registered server in the repository (Send-PgQueryLog -Repository -Server,
// migration 036): the repository's hourly job rebuilds that server's query-log rollups, as the in-database job does
// for server 0 (step "query rollups"). Per server, so a server's step reports its own hours and one server's
// rebuild failing leaves the others' done; reports read hours not rebuilt yet from the raw rows, so a skipped
// rebuild only costs speed.
internal sealed partial class RepositoryService
{
    internal const string QueryRollupsStepName = "query rollups";

    private PgSnapshotResult RefreshQueryRollups(PgMonitoredServer server, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var hours = new Query.QueryRollups(_context).Refresh(cancellationToken, server.ServerId);
        return new PgSnapshotResult
        {
            Kind = QueryRollupsStepName, Count = hours, CapturedAt = DateTimeOffset.UtcNow, DurationMs = started.Elapsed.TotalMilliseconds,
            Server = server.Name, Connection = server.Connection,
        };
    }
}
