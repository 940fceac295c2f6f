namespace PgPerf;

/// <summary>What a name completer may offer.</summary>
public enum PgObjectKind
{
    Schema,
    Table,
    Index,
}

/// <summary>Object names for tab completion of -Schema, -Table and -Index.</summary>
public interface ICatalogService
{
    /// <summary>
    /// Up to <paramref name="limit"/> names of user objects of one kind starting with <paramref name="prefix"/>
    /// (case-insensitive), optionally within one schema, sorted. PgPerf's own schema and system schemas are left out.
    /// </summary>
    IReadOnlyList<string> ListNames(PgObjectKind kind, string? schema, string prefix, int limit, CancellationToken cancellationToken);
}
