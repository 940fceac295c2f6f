using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace PgPerf.Commands;

/// <summary>Turns -Parameters (hashtable, PSObject, array or JSON string) into JSON text.</summary>
internal static class ParameterJson
{
    private const int MaxDepth = 32;

    /// <summary>JSON text, or null when there are no parameters. Throws PgPerf.Query.InvalidParameters.</summary>
    public static string? From(object? value)
    {
        value = Unwrap(value);
        switch (value)
        {
            case null:
                return null;
            case string text:
                return string.IsNullOrWhiteSpace(text) ? null : text;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, value, "$", 0, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static object? Unwrap(object? value)
    {
        while (value is PSObject ps && ps.BaseObject is not PSCustomObject)
            value = ps.BaseObject;
        return value is DBNull ? null : value;
    }

    private static void Write(Utf8JsonWriter w, object? value, string path, int depth, HashSet<object> seen)
    {
        value = Unwrap(value);
        if (depth > MaxDepth)
            throw Invalid($"it is nested more than {MaxDepth} levels deep at {path}");
        switch (value)
        {
            case null: w.WriteNullValue(); return;
            case string s: w.WriteStringValue(s); return;
            case char c: w.WriteStringValue(c.ToString()); return;
            case bool b: w.WriteBooleanValue(b); return;
            case SwitchParameter sw: w.WriteBooleanValue(sw.IsPresent); return;
            case double d when double.IsNaN(d) || double.IsInfinity(d):
                throw Invalid($"the value at {path} is {d.ToString(CultureInfo.InvariantCulture)}, which JSON cannot hold");
            case float f when float.IsNaN(f) || float.IsInfinity(f):
                throw Invalid($"the value at {path} is {f.ToString(CultureInfo.InvariantCulture)}, which JSON cannot hold");
            case double d: w.WriteNumberValue(d); return;
            case float f: w.WriteNumberValue(f); return;
            case decimal m: w.WriteNumberValue(m); return;
            case sbyte or byte or short or ushort or int or uint or long:
                w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); return;
            case ulong u: w.WriteNumberValue(u); return;
            case System.Numerics.BigInteger big: w.WriteRawValue(big.ToString(CultureInfo.InvariantCulture)); return;
            case DateTime dt: w.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture)); return;
            case DateTimeOffset dto: w.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture)); return;
            case TimeSpan ts: w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); return;
            case Guid g: w.WriteStringValue(g.ToString()); return;
            case Enum e: w.WriteStringValue(e.ToString()); return;
            case Uri uri: w.WriteStringValue(uri.ToString()); return;
        }

        if (!seen.Add(value))
            throw Invalid($"it refers to itself at {path}");
        try
        {
            switch (value)
            {
                case IDictionary dictionary:
                    w.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        var key = Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? "";
                        w.WritePropertyName(key);
                        Write(w, entry.Value, $"{path}.{key}", depth + 1, seen);
                    }
                    w.WriteEndObject();
                    return;
                case PSObject custom:
                    w.WriteStartObject();
                    foreach (var property in custom.Properties)
                    {
                        w.WritePropertyName(property.Name);
                        object? v;
                        try { v = property.Value; }
                        catch (Exception ex) when (ex is GetValueException or ExtendedTypeSystemException) { throw Invalid($"the property {path}.{property.Name} cannot be read"); }
                        Write(w, v, $"{path}.{property.Name}", depth + 1, seen);
                    }
                    w.WriteEndObject();
                    return;
                case ScriptBlock:
                    break;
                case IEnumerable list:
                    w.WriteStartArray();
                    var i = 0;
                    foreach (var item in list)
                        Write(w, item, $"{path}[{i++}]", depth + 1, seen);
                    w.WriteEndArray();
                    return;
            }
        }
        finally
        {
            seen.Remove(value);
        }
        throw Invalid($"the value at {path} is a {value.GetType().FullName}");
    }

    private static PgPerfException Invalid(string why) =>
        new(QueryLogRules.InvalidParametersId, PgPerfErrorKind.InvalidArgument,
            $"Parameters cannot be turned into JSON: {why}. Give a hashtable, a PSCustomObject or a JSON string made of strings, numbers, booleans, dates, arrays and nested objects.")
        { ParameterName = "Parameters" };
}

/// <summary>Accepts true/false/yes/no/1/0 text (from Import-Csv) for a switch bound by property name.</summary>
internal sealed class FlagTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            null => new SwitchParameter(false),
            string s when string.IsNullOrWhiteSpace(s) => new SwitchParameter(false),
            string s when s.Trim().ToLowerInvariant() is "true" or "t" or "yes" or "y" or "1" or "on" => new SwitchParameter(true),
            string s when s.Trim().ToLowerInvariant() is "false" or "f" or "no" or "n" or "0" or "off" => new SwitchParameter(false),
            string s => throw new ArgumentTransformationMetadataException($"'{s}' is not a flag value; use true or false."),
            _ => inputData,
        };
    }
}

/// <summary>Writes the outcome of a send (spooled, replayed, failed) as warnings and verbose text, once per kind.</summary>
internal sealed class SendReporter
{
    private readonly PSCmdlet _cmdlet;
    private bool _warnedSpool;

    public SendReporter(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    public long Spooled { get; private set; }
    public long Written { get; private set; }
    public string? SpoolFile { get; private set; }

    public void Report(PgQuerySendResult result)
    {
        Written += result.Written;
        if (result.Replayed > 0)
            _cmdlet.WriteVerbose($"Replayed {result.Replayed} spooled record(s) from {result.SpoolFile}.");
        if (result.Alerts > 0)
            _cmdlet.WriteVerbose($"Opened or updated {result.Alerts} slow_query alert(s).");
        if (result.Spooled > 0)
        {
            Spooled += result.Spooled;
            SpoolFile = result.SpoolFile;
            if (!_warnedSpool)
                _cmdlet.WriteWarning($"Query log records could not be written ({result.Failure?.Message}) and were saved to the spool {result.SpoolFile}; the next successful send replays them.");
            _warnedSpool = true;
        }
        else if (result.Failure is not null)
        {
            _cmdlet.WriteWarning(result.Failure.Message);
        }
    }
}

/// <summary>Which query-log services Measure-PgQuery has used in this process, to write synchronously the first time and flush at the end.</summary>
internal static class MeasureLogging
{
    private static readonly ConditionalWeakTable<IQueryLogService, ConcurrentDictionary<(string?, double), bool>> Used = new();

    /// <summary>True the first time a service is used with these options.</summary>
    public static bool FirstUse(IQueryLogService service, QuerySendOptions options) =>
        Used.GetOrCreateValue(service).TryAdd((options.SpoolDirectory, options.AlertThresholdMs), true);

    /// <summary>Writes (or spools) everything still queued; the module calls it when it is removed.</summary>
    public static void FlushAll(TimeSpan timeout)
    {
        foreach (var (service, _) in Used)
            service.Flush(timeout);
    }
}
