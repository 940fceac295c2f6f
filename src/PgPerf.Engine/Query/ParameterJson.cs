using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace PgPerf.Engine.Query;

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
