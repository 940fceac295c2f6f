using Dapper;

namespace PgPerf.Engine.Catalog;

internal sealed class CatalogService : ICatalogService
{
    private readonly PgServerContext _context;

    public CatalogService(PgServerContext context) => _context = context;

    public IReadOnlyList<string> ListNames(PgObjectKind kind, string? schema, string prefix, int limit, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            // The prefix is a value (LIKE pattern with its wildcards escaped), never SQL text.
            var pattern = prefix.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            var sql = kind switch
            {
                PgObjectKind.Schema => """
                    SELECT n.nspname FROM pg_namespace n
                    WHERE n.nspname NOT IN ('pgperf', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                      AND n.nspname ILIKE @pattern
                    ORDER BY 1 LIMIT @limit
                    """,
                _ => """
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind::text = ANY (@kinds) AND n.nspname NOT IN ('pgperf', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                      AND (@schema::text IS NULL OR n.nspname = @schema) AND c.relname ILIKE @pattern
                    GROUP BY c.relname ORDER BY 1 LIMIT @limit
                    """,
            };
            // Indexes (plain and partitioned); tables, partitioned tables and materialized views.
            var kinds = kind == PgObjectKind.Index ? new[] { "i", "I" } : new[] { "r", "p", "m" };
            var names = await connection.QueryAsync<string>(new CommandDefinition(sql,
                new { pattern, limit, schema, kinds }, commandTimeout: 3, cancellationToken: cancellationToken));
            return (IReadOnlyList<string>)names.ToList();
        }, cancellationToken);
}
