namespace PgPerf;

/// <summary>
/// Base of every output row that comes from a server. Server says where it came from; Connection lets
/// the row flow into another PgPerf cmdlet (which binds -Connection by property name) against the same
/// target, credentials included, without ever exposing the password.
/// </summary>
public abstract class PgServerRecord
{
    /// <summary>host:port/database the row came from.</summary>
    public string Server { get; set; } = "";

    public PgConnectionInfo? Connection { get; set; }

    /// <summary>Stamps the row with its target; Engine code calls this on every row it returns.</summary>
    public void From(PgConnectionInfo target)
    {
        Server = target.Server;
        Connection = target;
    }
}
