using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace PgPerf.Engine;

/// <summary>SQL that ships inside the Engine: migrations (sql/NNN_name.sql) and report queries (sql/queries/*.sql).</summary>
public static partial class SqlResources
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>The text of sql/&lt;path&gt;, for example Get("queries/slow_queries.sql").</summary>
    public static string Get(string path) => Cache.GetOrAdd(path, Load);

    /// <summary>
    /// The text of sql/&lt;path&gt; with each {slot} replaced by a schema-qualified name quoted by PgIdentifier: the one
    /// way an identifier that is not known until run time (a partition, an extension's schema) enters a statement.
    /// Values always go in as bound parameters instead.
    /// </summary>
    public static string WithNames(string path, params (string Slot, string Schema, string Name)[] names) =>
        Fill(path, names.Select(n => (n.Slot, PgIdentifier.Qualify(n.Schema, n.Name))));

    /// <summary>
    /// The text of sql/&lt;path&gt; with each {slot} filled, in order, by a part from sql/queries/parts/ (its comment
    /// lines dropped; a part may hold a later slot), or emptied when the part is null. A statement whose shape
    /// depends on the options (a grouping, a version's function) is assembled this way from SQL files only.
    /// </summary>
    public static string Compose(string path, params (string Slot, string? Part)[] parts) =>
        Fill(path, parts.Select(p => (p.Slot, p.Part is null ? "" : string.Join(" ", Get("queries/parts/" + p.Part + ".sql")
            .Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal))))));

    private static string Fill(string path, IEnumerable<(string Slot, string Text)> fills)
    {
        var text = Get(path);
        foreach (var (slot, fill) in fills)
        {
            var marker = "{" + slot + "}";
            if (!text.Contains(marker, StringComparison.Ordinal))
                throw new InvalidOperationException($"sql/{path} has no {marker} slot.");
            text = text.Replace(marker, fill, StringComparison.Ordinal);
        }
        return text;
    }

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
