using System.Globalization;
using System.Text;

namespace PgPerf;

/// <summary>One metric family for Export-PgPerfMetric: name, help, type and its samples.</summary>
public sealed record PgMetric(string Name, string Help, string Type, IReadOnlyList<PgMetricSample> Samples);

/// <summary>One sample: label pairs (in order) and the value.</summary>
public sealed record PgMetricSample(IReadOnlyList<(string Name, string Value)> Labels, double Value);

/// <summary>What Export-PgPerfMetric reads.</summary>
public sealed record PgMetricOptions
{
    /// <summary>The query window in hours, ending now.</summary>
    public int Hours { get; init; } = 1;

    /// <summary>Queries (by total time in the window) that get their own series; bounds the label cardinality.</summary>
    public int TopQueries { get; init; } = 10;

    /// <summary>At most this many tables and indexes get their own series.</summary>
    public int Top { get; init; } = 50;
}

/// <summary>The Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector reads it.</summary>
public static class PgPrometheusText
{
    public static string Render(IEnumerable<PgMetric> metrics)
    {
        var b = new StringBuilder();
        foreach (var m in metrics)
        {
            b.Append("# HELP ").Append(m.Name).Append(' ').Append(EscapeHelp(m.Help)).Append('\n');
            b.Append("# TYPE ").Append(m.Name).Append(' ').Append(m.Type).Append('\n');
            foreach (var s in m.Samples)
            {
                b.Append(m.Name);
                if (s.Labels.Count > 0)
                {
                    b.Append('{');
                    for (var i = 0; i < s.Labels.Count; i++)
                    {
                        if (i > 0) b.Append(',');
                        b.Append(s.Labels[i].Name).Append("=\"").Append(EscapeLabel(s.Labels[i].Value)).Append('"');
                    }
                    b.Append('}');
                }
                b.Append(' ').Append(Value(s.Value)).Append('\n');
            }
        }
        return b.ToString();
    }

    // Label values escape backslash, double quote and line feed; HELP text escapes backslash and line feed.
    private static string EscapeLabel(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
    private static string EscapeHelp(string v) => v.Replace("\\", "\\\\").Replace("\n", "\\n");

    private static string Value(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);
}
