namespace PgPerf;

/// <summary>
/// PgPerf's own schema. Reports leave its tables and indexes out by default (they are the monitor, not the
/// application it watches: its default log partition, for one, looks 100 % bloated after rows move to their day);
/// -IncludePgPerf shows them, and so does naming the schema or an object in it exactly.
/// </summary>
public static class PgPerfOwnObjects
{
    public const string SchemaName = "pgperf";

    public static bool IsOwnSchema(string? schema) => string.Equals(schema, SchemaName, StringComparison.Ordinal);
}
