using Dapper;
using Npgsql;

namespace PgPerf.Engine;

/// <summary>Sets lock_timeout for the rest of a transaction (sql/queries/lock_timeout_local.sql).</summary>
internal static class LockTimeout
{
    public static Task SetLocalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int milliseconds, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(SqlResources.Get("queries/lock_timeout_local.sql"),
            new { value = $"{milliseconds}ms" }, transaction, cancellationToken: cancellationToken));
}
