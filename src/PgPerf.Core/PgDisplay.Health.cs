using System.Globalization;

namespace PgPerf;

// The health and replication views (issue 15): durations and measured values in a few characters each.
public static partial class PgDisplay
{
    /// <summary>Seconds as the two largest units: "12.5s", "4m 05s", "3h 20m", "12d 04h" (at most 8 characters below 1,000 days).</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s)
            return "";
        if (s < 60)   // cut, not rounded: 59.97 s is not yet a minute
            return (Math.Floor(s * 10) / 10).ToString("0.#", CultureInfo.CurrentCulture) + "s";
        var t = TimeSpan.FromSeconds(Math.Floor(s));
        return s switch
        {
            < 3600 => $"{t.Minutes}m {t.Seconds:00}s",
            < 86400 => $"{t.Hours}h {t.Minutes:00}m",
            _ => $"{(long)t.TotalDays}d {t.Hours:00}h",
        };
    }

    /// <summary>A value in its unit (seconds, bytes, percent, factor) the way the views show that unit.</summary>
    public static string Measure(double? value, string? unit) => value is not { } v ? "" : unit switch
    {
        "seconds" => Duration(v),
        "bytes" => Bytes((long)v),
        "percent" => v.ToString("0.#", CultureInfo.CurrentCulture) + " %",
        "factor" => v.ToString("0.##", CultureInfo.CurrentCulture) + "x",
        _ => v.ToString("0.##", CultureInfo.CurrentCulture),
    };
}
