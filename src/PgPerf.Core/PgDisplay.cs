using System.Globalization;
using System.Text.RegularExpressions;

namespace PgPerf;

/// <summary>
/// How the default views (module/formats/*.Format.ps1xml) show values, in one place: every view shows times, sizes
/// and shortened text the same way, and a view shortens long text itself (with "…") so the table never has to cut
/// a cell. The objects keep the full values.
/// </summary>
public static partial class PgDisplay
{
    /// <summary>The one time format of the views: UTC to the minute, marked with Z.</summary>
    public const string TimeFormat = "yyyy-MM-dd HH:mm'Z'";

    /// <summary>Days (a calendar day in UTC) use the date part of TimeFormat.</summary>
    public const string DayFormat = "yyyy-MM-dd";

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) : "";

    public static string Day(DateTimeOffset? day) =>
        day is { } d ? d.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture) : "";

    /// <summary>Bytes in B, kB, MB or GB (binary units), at most 8 characters below 10,000 GB.</summary>
    public static string Bytes(long? bytes) => bytes switch
    {
        null => "",
        >= 1L << 30 => string.Format(CultureInfo.CurrentCulture, "{0:n1} GB", bytes.Value / (double)(1L << 30)),
        >= 1L << 20 => string.Format(CultureInfo.CurrentCulture, "{0:n1} MB", bytes.Value / (double)(1L << 20)),
        >= 1L << 10 => string.Format(CultureInfo.CurrentCulture, "{0:n0} kB", bytes.Value / (double)(1L << 10)),
        _ => string.Format(CultureInfo.CurrentCulture, "{0:n0} B", bytes.Value),
    };

    /// <summary>Milliseconds with one decimal and thousands separators; empty when there is no figure.</summary>
    public static string Ms(double? milliseconds) =>
        milliseconds is { } ms ? ms.ToString("n1", CultureInfo.CurrentCulture) : "";

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long? count) =>
        count is { } c ? c.ToString("n0", CultureInfo.CurrentCulture) : "";

    /// <summary>Text on one line, at most width characters: the start is kept and "…" marks what was left out.</summary>
    public static string Fit(object? text, int width)
    {
        var line = OneLine(text);
        return line.Length <= width ? line : line[..(width - 1)] + "…";
    }

    /// <summary>Like Fit, but keeps the end (file paths, where the name matters most).</summary>
    public static string FitEnd(object? text, int width)
    {
        var line = OneLine(text);
        return line.Length <= width ? line : "…" + line[^(width - 1)..];
    }

    /// <summary>The items of a list, comma-separated, fitted to width.</summary>
    public static string List(System.Collections.IEnumerable? items, int width) =>
        items is null ? "" : Fit(string.Join(", ", items.Cast<object?>().Select(i => i?.ToString())), width);

    private static string OneLine(object? text) => Whitespace().Replace(text?.ToString() ?? "", " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
