namespace PgPerf;

/// <summary>
/// Base of every output row that comes from a server. Server says where it came from; Connection lets
/// the row flow into another PgPerf cmdlet (which binds -Connection by property name) against the same
/// target, credentials included, without ever exposing the password.
/// </summary>
/// <remarks>
/// Serialized output stays plain: ConvertTo-Json and Export-Csv leave Connection out (Server is the short text
/// that says where the row came from), and the enums on output objects are Int64-based because ConvertTo-Json writes
/// Int64 enums by name ("Critical"), other enums as numbers. Lists are PgList so Export-Csv
/// writes their items, not "System.String[]".
/// </remarks>
public abstract class PgServerRecord
{
    /// <summary>host:port/database the row came from.</summary>
    public string Server { get; set; } = "";

    // Out of serialized output, still there for piping ($row.Connection, and -Connection binds it by name):
    // ConvertTo-Json reads the .NET properties (skipping [JsonIgnore]) and then the PowerShell ones (skipping
    // [Hidden], which also keeps it out of Export-Csv and Format-List *). Newtonsoft's attribute for PowerShell 7.x,
    // System.Text.Json's for its newer serializer.
    [Newtonsoft.Json.JsonIgnore]
    [System.Text.Json.Serialization.JsonIgnore]
    [System.Management.Automation.Hidden]
    public PgConnectionInfo? Connection { get; set; }

    /// <summary>Stamps the row with its target; Engine code calls this on every row it returns.</summary>
    public void From(PgConnectionInfo target)
    {
        Server = target.Server;
        Connection = target;
    }

    /// <summary>Stamps a row read from a central repository with the registered server it is about.</summary>
    public void From(PgMonitoredServer server)
    {
        Server = server.Name;
        Connection = server.Connection;
    }
}
