using System.Text.RegularExpressions;

namespace PgPerf.Engine.Reports;

/// <summary>The page template, its style and script, and the vendored uPlot, embedded from Reports/Assets/.</summary>
internal static partial class ReportAssets
{
    public static string Template { get; } = Load("report.html");
    public static string Css { get; } = Load("report.css");
    public static string Js { get; } = Load("report.js");
    public static string UPlotJs { get; } = Load("uplot/uPlot.iife.min.js");
    public static string UPlotCss { get; } = Load("uplot/uPlot.min.css");

    /// <summary>uPlot's MIT licence, which every page that carries its code carries too.</summary>
    public static string UPlotLicence { get; } = Load("uplot/LICENSE");

    /// <summary>
    /// Fills the template's {{name}} slots in one pass over the template only, so text inside a filled value
    /// (a query that contains "{{data}}") is never taken for a slot.
    /// </summary>
    public static string Fill(IReadOnlyDictionary<string, string> values) =>
        Slot().Replace(Template, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v : throw new InvalidOperationException($"The report template has a slot {m.Value} that nothing fills."));

    private static string Load(string name)
    {
        using var stream = typeof(ReportAssets).Assembly.GetManifestResourceStream("report/" + name)
            ?? throw new InvalidOperationException($"The Engine has no embedded report asset named {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{([a-z-]+)\}\}")]
    private static partial Regex Slot();
}
