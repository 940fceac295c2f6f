using Xunit;

namespace PgPerf.Tests.Reports;

public sealed class PrometheusTextTests
{
    [Fact]
    public void Label_values_and_help_are_escaped_as_the_exposition_format_says()
    {
        var text = PgPrometheusText.Render(new[]
        {
            new PgMetric("pgperf_x", "Help with \\ and\nline", "gauge", new[]
            {
                new PgMetricSample(new[] { ("table", "a\"b\\c\nd") }, 1.5),
                new PgMetricSample(Array.Empty<(string, string)>(), double.NaN),
            }),
        });
        // The format's own rules (prometheus.io, "Text-based format"): \\ and \n in HELP; \\, \" and \n in label values.
        Assert.Equal("# HELP pgperf_x Help with \\\\ and\\nline\n# TYPE pgperf_x gauge\npgperf_x{table=\"a\\\"b\\\\c\\nd\"} 1.5\npgperf_x NaN\n", text);
    }

    [Fact]
    public void Numbers_are_written_invariantly_and_round_trip()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var text = PgPrometheusText.Render(new[] { new PgMetric("pgperf_y", "y", "gauge", new[] { new PgMetricSample(Array.Empty<(string, string)>(), 0.1 + 0.2) }) });
            var value = text.Split('\n')[2].Split(' ')[1];
            Assert.Equal(0.1 + 0.2, double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }
}
