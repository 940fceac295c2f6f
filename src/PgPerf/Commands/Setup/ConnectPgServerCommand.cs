using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Checks a PostgreSQL target and makes it this session's default for every PgPerf cmdlet.</summary>
[Cmdlet(VerbsCommunications.Connect, "PgServer", DefaultParameterSetName = ServerSet)]
[OutputType(typeof(PgConnectionInfo))]
public sealed class ConnectPgServerCommand : PgPerfCmdletBase
{
    private const string ServerSet = "Server";
    private const string ConnectionStringSet = "ConnectionString";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ConnectionStringSet)]
    [ValidateNotNullOrEmpty]
    public string ConnectionString { get; set; } = "";

    /// <summary>host, host:port or host:port/database.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ServerSet)]
    [ValidateNotNullOrEmpty]
    [Alias("Host", "ComputerName")]
    public string Server { get; set; } = "";

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Skip the test connection (for example when preparing a session before the server is up).</summary>
    [Parameter]
    public SwitchParameter NoTest { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var text = ParameterSetName == ConnectionStringSet ? ConnectionString : Server;
            var parameterName = ParameterSetName == ConnectionStringSet ? nameof(ConnectionString) : nameof(Server);
            var info = PgConnectionParser.Parse(text, PgConnectionSource.Parameter, parameterName);
            if (Database is not null)
                info = info.WithDatabase(Database);
            if (Credential is not null)
                info = info.WithPassword(Credential.UserName, Credential.GetNetworkCredential().Password);

            if (!NoTest)
            {
                WriteVerbose($"Testing the connection to {info}.");
                info = Engine.Test(info, CancellationToken);
                WriteVerbose($"Connected to {info} (PostgreSQL {info.ServerVersion}).");
            }

            SetSessionDefault(info);
            if (PassThru)
                WriteObject(info);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }
}
