using System.Collections.ObjectModel;

namespace PgPerf;

/// <summary>Where a connection's settings came from, in the order they are tried.</summary>
public enum PgConnectionSource : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Parameter,
    SessionDefault,
    EnvironmentVariable,
    LibpqEnvironment,
}

/// <summary>
/// A PostgreSQL target. Safe to print, export and serialize: the password is held
/// internally and is never part of any public member, ToString or serialized form.
/// </summary>
public sealed class PgConnectionInfo
{
    internal PgConnectionInfo(string host, int port, string? database, string? username, string? password,
        IReadOnlyDictionary<string, string>? options, PgConnectionSource source)
    {
        Host = host;
        Port = port;
        Database = database;
        Username = username;
        Password = password;
        Options = new ReadOnlyDictionary<string, string>(
            new Dictionary<string, string>(options ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase));
        Source = source;
    }

    public string Host { get; }
    public int Port { get; }

    /// <summary>Null means the server default (the user name).</summary>
    public string? Database { get; }

    /// <summary>Null means the server default (the OS user, as libpq does).</summary>
    public string? Username { get; }

    public PgConnectionSource Source { get; }

    /// <summary>Other connection-string keywords passed through to the driver (never a password).</summary>
    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>Filled in once a connection has been made.</summary>
    public string? ServerVersion { get; internal set; }

    public bool HasPassword => !string.IsNullOrEmpty(Password);

    /// <summary>host:port, the form used in messages.</summary>
    public string Endpoint => _endpoint ??= Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>host:port/database, the form stamped on output objects.</summary>
    public string Server => _server ??= Database is null ? Endpoint : $"{Endpoint}/{Database}";

    // Stamped on every output row: built once (the object is immutable).
    private string? _endpoint;
    private string? _server;

    internal string? Password { get; }

    /// <summary>
    /// The server registered in a central repository that this connection reaches (set on PgMonitoredServer.Connection,
    /// which rows read from the repository carry): a report cmdlet given this target reads its history from that
    /// repository, as with -Repository -Server. Null for any other target.
    /// </summary>
    internal PgMonitoredServer? Registration { get; init; }

    internal PgConnectionInfo WithPassword(string? username, string? password) =>
        new(Host, Port, Database, username ?? Username, password, Options, Source) { Registration = Registration };

    /// <summary>The same target without its Registration (what the Engine keeps per target, shared by every caller).</summary>
    internal PgConnectionInfo WithoutRegistration() =>
        Registration is null ? this : new(Host, Port, Database, Username, Password, Options, Source) { ServerVersion = ServerVersion };

    internal PgConnectionInfo WithDatabase(string database) =>
        new(Host, Port, database, Username, Password, Options, Source);

    internal PgConnectionInfo WithSource(PgConnectionSource source) =>
        new(Host, Port, Database, Username, Password, Options, source) { ServerVersion = ServerVersion, Registration = Registration };

    /// <summary>Identity of the target including the secret; for caches only, never shown.</summary>
    internal string CacheKey =>
        string.Join("\u0001", Host, Port, Database, Username, Password,
            string.Join("\u0002", Options.OrderBy(o => o.Key, StringComparer.OrdinalIgnoreCase).Select(o => o.Key + "=" + o.Value)));

    public override string ToString() => Username is null ? Server : $"{Username}@{Server}";
}
