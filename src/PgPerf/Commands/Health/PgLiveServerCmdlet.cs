namespace PgPerf.Commands;

/// <summary>
/// Shared by the cmdlets that read a server as it is now (Get-PgActivity, Get-PgBlocking, the risks, replication,
/// vacuum, index bloat, Invoke-PgHealthCheck). With -Repository (issue 17) they read every registered server (or those
/// -Server names) live, through the server's own pg_monitor connection as registered, in parallel like -Connection;
/// the repository only says which servers there are. Every row's Server is then the registered name, and a server
/// that fails is one non-terminating error naming it, also when it is the only one.
/// A cmdlet implements <see cref="ProcessServer"/> and writes its rows with <see cref="WriteRows{T}"/>.
/// </summary>
public abstract class PgLiveServerCmdlet : PgRepositoryReaderCmdlet
{
    // Without -Repository: as before (a single target's failure ends the call, which scripts rely on).
    protected override bool TargetFailureTerminates => Repository is null;

    /// <summary>The cmdlet's work on one server, read live through <paramref name="target"/>.</summary>
    protected abstract void ProcessServer(PgConnectionInfo target);

    // A failure is named as the registered server where the fan-out writes it (TargetError), once.
    protected sealed override void ProcessTarget(PgConnectionInfo target) => ProcessServer(target);

    /// <summary>What rows of <paramref name="target"/> call it: its registered name with -Repository, else its address.</summary>
    private protected string NameOf(PgConnectionInfo target) =>
        RepositoryRegistry is null ? target.Server : RegisteredServer(target).Name;

    /// <summary>Writes rows read from <paramref name="target"/>, naming the registered server with -Repository.</summary>
    private protected void WriteRows<T>(PgConnectionInfo target, IEnumerable<T> rows) where T : PgServerRecord
    {
        foreach (var row in rows)
            WriteObject(Named(target, row));
    }

    /// <summary>A row of <paramref name="target"/>, its Server the registered name with -Repository.</summary>
    private protected T Named<T>(PgConnectionInfo target, T row) where T : PgServerRecord
    {
        if (RepositoryRegistry is not null)
            row.From(RegisteredServer(target));
        return row;
    }

    /// <summary>
    /// Refuses -Since (reading the history a repository stores) without -Repository, before anything is read.
    /// </summary>
    private protected void RequireRepositoryForHistory(DateTimeOffset? since)
    {
        if (since is not null && Repository is null)
            ThrowTerminating(new PgPerfException(PgPerfErrorIds.Health.SinceWithoutRepository, PgPerfErrorKind.InvalidArgument,
                "-Since reads the results a central repository stored for its registered servers; give that repository with -Repository, or leave -Since out to read the server now.")
            { ParameterName = "Since" });
    }

    /// <summary>The repository's stored health history, and the registered server <paramref name="target"/> stands for.</summary>
    private protected (IServerHealthHistory History, PgMonitoredServer Server) HealthHistory(PgConnectionInfo target)
    {
        var server = RegisteredServer(target);
        return (Engine.Get<IServerHealthHistory>(server.Repository!), server);
    }
}
