namespace PgPerf;

/// <summary>The arithmetic of the wraparound and sequence checks (pure; the Engine feeds it catalog figures).</summary>
public static class PgHealthRules
{
    /// <summary>
    /// 2^31: transaction and multixact IDs are compared modulo 2^32, so a table may fall at most 2^31 IDs behind
    /// before old rows would look like they are in the future. PostgreSQL stops assigning IDs a little earlier.
    /// </summary>
    public const double WraparoundLimit = 2147483648d;

    /// <summary>How far the older of the XID and MXID ages has gone towards 2^31, in percent.</summary>
    public static double PercentToWraparound(long xidAge, long mxidAge) =>
        Math.Max(xidAge, mxidAge) * 100d / WraparoundLimit;

    /// <summary>
    /// The larger of XID age / autovacuum_freeze_max_age and MXID age / autovacuum_multixact_freeze_max_age,
    /// in percent. At 100 % autovacuum starts an anti-wraparound vacuum.
    /// </summary>
    public static double PercentOfFreezeMaxAge(long xidAge, long freezeMaxAge, long mxidAge, long multixactFreezeMaxAge) =>
        Math.Max(xidAge * 100d / Math.Max(freezeMaxAge, 1), mxidAge * 100d / Math.Max(multixactFreezeMaxAge, 1));

    public static string WraparoundStatus(double percentToWraparound, double percentOfFreezeMaxAge,
        double warningPercent, double criticalPercent, double freezeMaxAgeWarningPercent)
    {
        var status = PgHealthStatus.AtLeast(percentToWraparound, warningPercent, criticalPercent);
        return status == PgHealthStatus.Ok && percentOfFreezeMaxAge >= freezeMaxAgeWarningPercent ? PgHealthStatus.Warning : status;
    }

    /// <summary>The values a column of this type can hold; null for types without a fixed integer range.</summary>
    public static (long Min, long Max)? ColumnTypeRange(string? columnType) => columnType switch
    {
        "smallint" => (short.MinValue, short.MaxValue),
        "integer" => (int.MinValue, int.MaxValue),
        "bigint" => (long.MinValue, long.MaxValue),
        _ => null,
    };

    /// <summary>
    /// The value at which nextval() or the INSERT fails: the sequence's own bound, or the owning column's type
    /// limit when that comes first (an integer column fed by a bigint sequence fails at 2^31 - 1).
    /// </summary>
    public static long EffectiveLimit(long increment, long sequenceMin, long sequenceMax, string? columnType)
    {
        var range = ColumnTypeRange(columnType);
        return increment > 0
            ? Math.Min(sequenceMax, range?.Max ?? long.MaxValue)
            : Math.Max(sequenceMin, range?.Min ?? long.MinValue);
    }

    /// <summary>
    /// How much of the usable range, from the sequence's start bound (min for ascending, max for descending)
    /// to the effective limit, the last value has used, in percent. A sequence never called has used 0 %.
    /// </summary>
    public static double SequencePercentUsed(long? lastValue, long increment, long sequenceMin, long sequenceMax, long effectiveLimit)
    {
        if (lastValue is not { } last)
            return 0;
        // decimal: bigint ranges overflow a long subtraction.
        decimal used, total;
        if (increment > 0)
        {
            used = (decimal)last - sequenceMin;
            total = (decimal)effectiveLimit - sequenceMin;
        }
        else
        {
            used = (decimal)sequenceMax - last;
            total = (decimal)sequenceMax - effectiveLimit;
        }
        if (total <= 0)
            return 100;
        return (double)Math.Clamp(used * 100m / total, 0m, 100m);
    }

    /// <summary>
    /// Whether running out is a real risk: a cycling sequence wraps instead of failing, unless the column
    /// overflows first (the cycle bound is beyond the column type's limit).
    /// </summary>
    public static bool CanRunOut(bool cycles, long increment, long sequenceMin, long sequenceMax, string? columnType)
    {
        if (!cycles)
            return true;
        var bound = increment > 0 ? sequenceMax : sequenceMin;
        return EffectiveLimit(increment, sequenceMin, sequenceMax, columnType) != bound;
    }
}
