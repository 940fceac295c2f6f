using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace PgPerf.Engine;

/// <summary>
/// Everything the Engine needs to talk to one target: its pooled data source, error translation
/// and facts about the server. Area services take one in their constructor.
/// </summary>
public sealed class PgServerContext
{
    private readonly NpgsqlDataSource _dataSource;
    private int _serverVersionNum;

    static PgServerContext() => DapperTypeHandlers.Register();

    internal PgServerContext(PgConnectionInfo info)
    {
        Info = info;
        var builder = new NpgsqlDataSourceBuilder(BuildConnectionString(info));
        // PgPerf reads the system catalogs and its own tables only, whose types are all built into PostgreSQL and known
        // to Npgsql. Loading the database's type catalog (a large query on every new data source's first connection)
        // made the first report to each new target about 70 % slower (issue 19 item 8, docs/benchmarks.md).
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        _dataSource = builder.Build();
    }

    public PgConnectionInfo Info { get; }

    /// <summary>Set once EnsureInstalled has succeeded, so later calls skip the catalog check.</summary>
    internal bool SchemaVerified { get; set; }

    /// <summary>
    /// Backend pids of the sessions this process opened to the target, so Get-PgActivity leaves PgPerf's own
    /// sessions out and Stop-PgSession refuses them.
    /// </summary>
    internal ConcurrentDictionary<int, byte> OwnBackendPids { get; } = new();

    /// <summary>server_version_num, for example 150018; features are chosen by it, never assumed.</summary>
    public int ServerVersionNum => _serverVersionNum;

    /// <summary>Opens a pooled connection, translating failures into PgPerf.Connection.* errors.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (_serverVersionNum == 0)
                _serverVersionNum = connection.PostgreSqlVersion.Major * 10000 + Math.Max(connection.PostgreSqlVersion.Minor, 0);
            Info.ServerVersion ??= connection.PostgreSqlVersion.ToString();
            OwnBackendPids.TryAdd(connection.ProcessID, 0);
            return connection;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Lost(PgErrors.Translate(ex, Info, connecting: true));
        }
    }

    /// <summary>Runs work on an open connection from the pipeline thread, translating any failure.</summary>
    public T Run<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(work, cancellationToken).GetAwaiter().GetResult();

    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (PgErrors.IsMissingObject(ex) && !await SchemaPresentAsync(connection).ConfigureAwait(false))
                throw PgErrors.NotInstalled(Info, ex);
            throw Lost(PgErrors.Translate(ex, Info, connecting: false));
        }
    }

    // Whether the pgperf schema is installed here (its migration table exists); true when that cannot be read, so the
    // original error is reported as it is.
    private static async Task<bool> SchemaPresentAsync(NpgsqlConnection connection)
    {
        try
        {
            return await connection.ExecuteScalarAsync<bool>(SqlResources.Get("queries/schema_migrations_exists.sql")).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>
    /// After an outage every idle pooled session is dead (the server restarted); drop them all so the next
    /// call opens a new one instead of failing once per stale session.
    /// </summary>
    internal PgPerfException Lost(PgPerfException error)
    {
        if (error.Kind == PgPerfErrorKind.ConnectionError)
            _dataSource.Clear();
        return error;
    }

    internal static string BuildConnectionString(PgConnectionInfo info)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        try
        {
            foreach (var (key, value) in info.Options)
                builder[key] = value;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            throw new PgPerfException(PgConnectionParser.InvalidErrorId, PgPerfErrorKind.InvalidArgument,
                $"The connection string has an option the driver does not accept: {PgErrors.Scrub(ex.Message, info)}", info.Server, ex)
            { ParameterName = "Connection" };
        }

        builder.Host = info.Host;
        builder.Port = info.Port;
        if (info.Database is not null) builder.Database = info.Database;
        if (info.Username is not null) builder.Username = info.Username;
        if (info.Password is not null) builder.Password = info.Password;
        if (!info.Options.ContainsKey("Application Name") && !info.Options.ContainsKey("ApplicationName"))
            builder.ApplicationName = "PgPerf";
        if (!info.Options.ContainsKey("Timeout"))
            builder.Timeout = 10;
        // JIT only adds planning time to PgPerf's short report queries.
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        return builder.ConnectionString;
    }
}
