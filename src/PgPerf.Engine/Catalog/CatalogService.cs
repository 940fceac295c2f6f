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
            var sql = SqlResources.Get(kind == PgObjectKind.Schema ? "queries/catalog_schemas.sql" : "queries/catalog_relations.sql");
            // Indexes (plain and partitioned); tables, partitioned tables and materialized views.
            var kinds = kind == PgObjectKind.Index ? new[] { "i", "I" } : new[] { "r", "p", "m" };
            var names = await connection.QueryAsync<string>(new CommandDefinition(sql,
                new { pattern, limit, schema, kinds }, commandTimeout: 3, cancellationToken: cancellationToken));
            return (IReadOnlyList<string>)names.ToList();
        }, cancellationToken);
}
