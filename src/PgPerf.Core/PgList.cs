using System.Collections.ObjectModel;

namespace PgPerf;

/// <summary>
/// A list on an output object (Flags, Steps, Tables, Pending, ...). Export-Csv writes a property with ToString(),
/// which for an array is its type name ("System.String[]"); this list writes its items, comma-separated.
/// ConvertTo-Json still writes a JSON array, and PowerShell enumerates it like an array.
/// </summary>
public sealed class PgList<T> : ReadOnlyCollection<T>
{
    public static readonly PgList<T> None = new(Array.Empty<T>());

    public PgList(IList<T> items) : base(items) { }

    /// <summary>As on an array, so code and scripts written for arrays keep working.</summary>
    public int Length => Count;

    public static implicit operator PgList<T>(T[] items) => new(items);

    public static implicit operator PgList<T>(List<T> items) => new(items.ToArray());

    public override string ToString() => string.Join(", ", this);
}
