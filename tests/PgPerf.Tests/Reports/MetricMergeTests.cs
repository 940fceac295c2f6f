using PgPerf.Engine.Reports;
using Xunit;

namespace PgPerf.Tests.Reports;

/// <summary>Export-PgPerfMetric -Repository: the families of several servers become one list, each family once.</summary>
public sealed class MetricMergeTests
{
    private static PgMetric Family(string name, string server, params double[] values) =>
        new(name, $"help of {name}", "gauge", values.Select(v => new PgMetricSample(new[] { ("server", server) }, v)).ToArray());

    [Fact]
    public void Each_family_appears_once_with_every_servers_samples_in_server_order()
    {
        var merged = ReportMetrics.Merge(new[]
        {
            (IReadOnlyList<PgMetric>)new[] { Family("pgperf_a", "alpha", 1), Family("pgperf_b", "alpha") },
            new[] { Family("pgperf_a", "beta", 2, 3), Family("pgperf_b", "beta", 4) },
        });

        Assert.Equal(new[] { "pgperf_a", "pgperf_b" }, merged.Select(m => m.Name));
        Assert.Equal(new[] { "alpha=1", "beta=2", "beta=3" }, merged[0].Samples.Select(s => $"{s.Labels[0].Value}={s.Value}"));
        Assert.Equal(new[] { "beta=4" }, merged[1].Samples.Select(s => $"{s.Labels[0].Value}={s.Value}"));
        // the exposition format: one HELP and one TYPE line per family
        var text = PgPrometheusText.Render(merged);
        Assert.Equal(2, text.Split('\n').Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)));
    }

    [Fact]
    public void No_server_gives_no_family()
    {
        Assert.Empty(ReportMetrics.Merge(Array.Empty<IReadOnlyList<PgMetric>>()));
    }
}
