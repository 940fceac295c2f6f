using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace PgPerf.Engine.Schema;

internal sealed class SchemaService : ISchemaService
{
    // Advisory-lock key shared by every installer, so two concurrent installs apply each migration once.
    internal const long InstallLockKey = 0x5047_5045_5246_0001;
    private const string NoTransactionMarker = "-- pgperf:no-transaction";
    private const string QueryHashMigrationName = "query_hash_v2";

    private readonly PgServerContext _context;

    public SchemaService(PgServerContext context) => _context = context;

    public IReadOnlyList<PgMigration> Shipped { get; } = SqlResources.Migrations.Select(m => m.Migration).ToList();

    private int Latest => Shipped.Count == 0 ? 0 : Shipped[^1].Version;

    public PgPerfSchemaInfo GetStatus(CancellationToken cancellationToken) =>
        _context.Run(async connection => Describe(await ReadAppliedAsync(connection, cancellationToken), Array.Empty<PgMigration>()), cancellationToken);

    public PgPerfSchemaInfo Install(IReadOnlyCollection<int>? versions, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await connection.ExecuteAsync(new CommandDefinition(SqlResources.Get("queries/schema_install_lock.sql"), new { key = InstallLockKey }, cancellationToken: cancellationToken));
            try
            {
                // Read again under the lock: a concurrent installer may have just applied everything.
                var applied = await ReadAppliedAsync(connection, cancellationToken);
                var appliedNow = new List<PgMigration>();
                // A migration reports what it did or could not do (roles created or skipped) with RAISE NOTICE/WARNING.
                var notices = new List<PgMigrationNotice>();
                PgMigration? current = null;
                NoticeEventHandler onNotice = (_, e) =>
                {
                    if (current is not null)
                        notices.Add(new PgMigrationNotice(current.ToString(), e.Notice.InvariantSeverity, PgErrors.Scrub(e.Notice.MessageText, _context.Info)));
                };
                connection.Notice += onNotice;
                try
                {
                    foreach (var (migration, resource) in SqlResources.Migrations)
                    {
                        if (applied.ContainsKey(migration.Version) || (versions is not null && !versions.Contains(migration.Version)))
                            continue;
                        current = migration;
                        await ApplyAsync(connection, migration, SqlResources.Get(resource["sql/".Length..]), cancellationToken);
                        current = null;
                        appliedNow.Add(migration);
                        applied[migration.Version] = Checksum(SqlResources.Get(resource["sql/".Length..]));
                    }
                }
                finally
                {
                    connection.Notice -= onNotice;
                }
                // Migration 013 records the QueryHash version of the stored hashes; the hash is computed in C#, so the
                // module recomputes older ones here, once the schema has the table.
                var hashVersion = SqlResources.Migrations.Select(m => m.Migration).FirstOrDefault(m => m.Name == QueryHashMigrationName);
                if (hashVersion is not null && applied.ContainsKey(hashVersion.Version))
                {
                    var rehashed = new Query.QueryHashUpgrade(_context).Run(cancellationToken);
                    if (rehashed > 0)
                        notices.Add(new PgMigrationNotice(hashVersion.ToString(), "NOTICE",
                            $"recomputed the QueryHash of {rehashed} logged execution(s) for QueryHash version {QueryFingerprint.Version} and rebuilt their rollups"));
                }
                _context.SchemaVerified = false;
                return Describe(applied, appliedNow.ToArray(), notices.ToArray());
            }
            finally
            {
                await connection.ExecuteAsync(new CommandDefinition(SqlResources.Get("queries/schema_install_unlock.sql"), new { key = InstallLockKey }, cancellationToken: CancellationToken.None));
            }
        }, cancellationToken);

    public void EnsureInstalled(CancellationToken cancellationToken)
    {
        if (_context.SchemaVerified)
            return;
        // Only what the check needs, not GetStatus: its Modified list hashes the text of every shipped migration,
        // work a scheduled run would pay before its first report in every new process (issue 19 item 8).
        var applied = _context.Run(connection => ReadAppliedAsync(connection, cancellationToken), cancellationToken);
        if (InstalledVersion(applied) == 0)
            throw PgErrors.NotInstalled(_context.Info);
        var pending = Pending(applied);
        if (pending.Length > 0)
            throw new PgPerfException(PgPerfErrorIds.Schema.Outdated, PgPerfErrorKind.NotInstalled,
                $"Schema pgperf in database {_context.Info.Database ?? "(default)"} on {_context.Info.Endpoint} is at version {InstalledVersion(applied)}, " +
                $"this module needs {Latest}; run Install-PgPerfSchema to apply {pending.Length} pending migration(s).", _context.Info.Server);
        _context.SchemaVerified = true;
    }

    private async Task ApplyAsync(NpgsqlConnection connection, PgMigration migration, string sql, CancellationToken cancellationToken)
    {
        var record = new CommandDefinition(
            SqlResources.Get("queries/schema_migration_record.sql"),
            new { version = migration.Version, name = migration.Name, checksum = Checksum(sql) }, cancellationToken: cancellationToken);

        if (sql.StartsWith(NoTransactionMarker, StringComparison.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken, commandTimeout: 0));
            await connection.ExecuteAsync(record);
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken, commandTimeout: 0));
        await connection.ExecuteAsync(new CommandDefinition(record.CommandText, record.Parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            SqlResources.Get("queries/schema_migrations_exists.sql"), cancellationToken: cancellationToken));
        if (!exists)
            return new Dictionary<int, string>();
        var rows = await connection.QueryAsync<(int Version, string Checksum)>(new CommandDefinition(
            SqlResources.Get("queries/schema_migrations_applied.sql"), cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Version, r => r.Checksum);
    }

    private PgPerfSchemaInfo Describe(Dictionary<int, string> applied, PgMigration[] appliedNow, PgMigrationNotice[]? notices = null) => new()
    {
        Server = _context.Info.Server,
        Database = _context.Info.Database,
        InstalledVersion = InstalledVersion(applied),
        LatestVersion = Latest,
        Pending = Pending(applied),
        Modified = SqlResources.Migrations
            .Where(m => applied.TryGetValue(m.Migration.Version, out var sum) && sum.Length > 0 && sum != Checksum(SqlResources.Get(m.Resource["sql/".Length..]))
                && !(EarlierChecksums.TryGetValue(m.Migration.Version, out var earlier) && earlier.Contains(sum)))
            .Select(m => m.Migration).ToArray(),
        AppliedNow = appliedNow,
        Notices = notices ?? Array.Empty<PgMigrationNotice>(),
        ServerVersion = _context.Info.ServerVersion,
    };

    private static int InstalledVersion(Dictionary<int, string> applied) => applied.Count == 0 ? 0 : applied.Keys.Max();

    private static PgMigration[] Pending(Dictionary<int, string> applied) =>
        SqlResources.Migrations.Where(m => !applied.ContainsKey(m.Migration.Version)).Select(m => m.Migration).ToArray();

    /// <summary>
    /// Checksums of earlier texts of shipped migrations that were edited without changing what they do where they
    /// could run, so schemas installed from the earlier text are not reported as modified.
    /// </summary>
    private static readonly Dictionary<int, string[]> EarlierChecksums = new()
    {
        // 008: its last statement used date_bin, which PostgreSQL 13 lacks (issue 16); the same rows on 14+.
        [8] = ["4b471a5f7deb2a03"],
    };

    private static string Checksum(string sql) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))))[..16].ToLowerInvariant();
}
