using System.Text.Json;

namespace PgPerf;

/// <summary>Alert severities, in the order of urgency (the database stores them lower case).</summary>
public enum PgAlertSeverity : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Info,
    Warning,
    Critical,
}

/// <summary>One row of pgperf.performance_alerts (Get-PgPerfAlert, Resolve-PgPerfAlert).</summary>
public sealed class PgPerfAlert : PgServerRecord
{
    public long Id { get; set; }

    /// <summary>The alert source, for example slow_query, unused_index, table_bloat, job_failure.</summary>
    public string Type { get; set; } = "";

    public PgAlertSeverity Severity { get; set; }

    /// <summary>What the alert is about (a query hash, schema.table, a job step).</summary>
    public string Subject { get; set; } = "";

    public string Message { get; set; } = "";

    /// <summary>The details jsonb as plain .NET values (dictionaries, arrays, numbers, text).</summary>
    public Dictionary<string, object?> Details { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string DedupKey { get; set; } = "";

    /// <summary>How many times the source saw the condition while the alert was open.</summary>
    public long Occurrences { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }

    public bool IsOpen => ResolvedAt is null;

    public override string ToString() => $"#{Id} {Severity} {Type}: {Subject}";
}

/// <summary>Filters of Get-PgPerfAlert; null or empty means no filter.</summary>
public sealed record PgAlertFilter
{
    public long[]? Ids { get; init; }
    public DateTimeOffset? Since { get; init; }
    public string[]? Types { get; init; }
    public PgAlertSeverity[]? Severities { get; init; }
    public bool OpenOnly { get; init; }
    public int? Top { get; init; }

    /// <summary>A server registered in a central repository: its alerts, read in the repository; null for the target's own.</summary>
    public StatementServer? Server { get; init; }
}

/// <summary>Turns a jsonb document into dictionaries, arrays and plain values that PowerShell shows and exports well.</summary>
public static class PgJsonValues
{
    public static Dictionary<string, object?> ToDictionary(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(json);
        return ToValue(document.RootElement) as Dictionary<string, object?>
            ?? new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["value"] = ToValue(document.RootElement) };
    }

    public static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject()
            .Aggregate(new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase), (d, p) => { d[p.Name] = ToValue(p.Value); return d; }),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
