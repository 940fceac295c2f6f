using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Registers monitored servers in a central repository: checks once that the login works and has the rights of
/// pg_monitor, then stores how to reach the server (never a password).
/// </summary>
[Cmdlet(VerbsCommon.Add, "PgPerfServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgMonitoredServer))]
public sealed class AddPgPerfServerCommand : PgRepositoryCmdlet
{
    /// <summary>The monitored servers: connection strings, host[:port][/database], or PgConnectionInfo; no password.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public PgTarget[] Connection { get; set; } = Array.Empty<PgTarget>();

    /// <summary>The name reports show as Server; host:port/database when not given. Only with one -Connection.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is not null && Connection.Length > 1)
            ThrowTerminating(new PgPerfException(PgPerfErrorIds.Repository.NameWithManyServers, PgPerfErrorKind.InvalidArgument,
                $"-Name names one server, and -Connection gave {Connection.Length}. Leave -Name out (each server is named host:port/database) or add them one at a time.")
            { ParameterName = nameof(Name) });

        if (TryOpenRepository() is not { } repository)
            return;

        foreach (var value in Connection)
        {
            TryInvoke(() =>
            {
                var monitored = value.Resolve();
                if (monitored.HasPassword)
                    throw PgRepositoryRules.PasswordNotStored(monitored);
                var name = Name ?? monitored.Server;
                if (!ShouldProcess($"server {name} ({monitored}) in repository {repository.Target.Server}", "Register"))
                    return;

                var login = Engine.Get<IMonitoredServerService>(monitored).CheckLogin(CancellationToken);
                if (!login.CanReadStatistics)
                    throw new PgPerfException(PgPerfErrorIds.Repository.MonitorRoleMissing, PgPerfErrorKind.PermissionDenied,
                        $"The login '{login.User}' on {monitored.Server} cannot read other sessions' statistics: it is not a member of pg_monitor. " +
                        $"As a superuser there, run: GRANT pg_monitor TO {login.User}; (nothing else is needed, and nothing is installed there).",
                        monitored.Server) { ParameterName = nameof(Connection) };
                if (!login.HasStatementStatistics)
                    WriteWarning($"{monitored.Server}: the pg_stat_statements extension is not created in this database, so statement snapshots of it will fail " +
                                 "until a superuser runs CREATE EXTENSION pg_stat_statements; there (with pg_stat_statements in shared_preload_libraries).");

                var server = repository.Registry.Add(name, monitored, CancellationToken);
                WriteVerbose($"Registered {server.Name} as server {server.ServerId} in {repository.Target.Server} (login {login.User}, server_version_num {login.ServerVersionNum}).");
                WriteObject(server);
            });
        }
    }
}
