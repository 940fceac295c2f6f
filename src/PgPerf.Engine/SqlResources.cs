using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace PgPerf.Engine;

/// <summary>SQL that ships inside the Engine: migrations (sql/NNN_name.sql) and report queries (sql/queries/*.sql).</summary>
public static partial class SqlResources
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>The text of sql/&lt;path&gt;, for example Get("queries/slow_queries.sql").</summary>
    public static string Get(string path) => Cache.GetOrAdd(path, Load);

    internal static IReadOnlyList<(PgMigration Migration, string Resource)> Migrations { get; } =
        typeof(SqlResources).Assembly.GetManifestResourceNames()
            .Select(name => (name, match: MigrationName().Match(name)))
            .Where(x => x.match.Success)
            .Select(x => (new PgMigration(int.Parse(x.match.Groups[1].Value), x.match.Groups[2].Value), x.name))
            .OrderBy(x => x.Item1.Version)
            .ToList();

    private static string Load(string path)
    {
        var name = "sql/" + path;
        using var stream = typeof(SqlResources).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The Engine has no embedded SQL named {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^sql/(\d{3})_([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
