using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace PgPerf.Commands;

/// <summary>
/// Reads a whole piped record (Send-PgQueryLog -InputObject: a PSCustomObject, an Import-Csv row, a hashtable or
/// any object) by field name. The names, aliases, types and transformations are read from Send-PgQueryLog's own
/// by-property parameters, so the two ways in accept the same names and convert values the same way. PowerShell's
/// by-property binding costs several microseconds per record; this reads the few properties a record has once.
/// </summary>
internal static class QueryLogRecordReader
{
    /// <summary>One by-property parameter of the cmdlet: where a record's value for it goes and how it is converted.</summary>
    private sealed class Field(PropertyInfo property, ArgumentTransformationAttribute[] transformations)
    {
        public string Name { get; } = property.Name;
        public Type Type { get; } = property.PropertyType;
        public ArgumentTransformationAttribute[] Transformations { get; } = transformations;
        public object? Default { get; } = property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null;

        // A compiled setter: PropertyInfo.SetValue per field per record cost more than reading the record.
        public Action<SendPgQueryLogCommand, object?> Set { get; } = CompileSetter(property);

        private static Action<SendPgQueryLogCommand, object?> CompileSetter(PropertyInfo property)
        {
            var cmdlet = System.Linq.Expressions.Expression.Parameter(typeof(SendPgQueryLogCommand));
            var value = System.Linq.Expressions.Expression.Parameter(typeof(object));
            var assign = System.Linq.Expressions.Expression.Assign(
                System.Linq.Expressions.Expression.Property(cmdlet, property),
                System.Linq.Expressions.Expression.Convert(value, property.PropertyType));
            return System.Linq.Expressions.Expression.Lambda<Action<SendPgQueryLogCommand, object?>>(assign, cmdlet, value).Compile();
        }
    }

    private static readonly Field[] Fields;
    private static readonly int DurationField;

    // Every name a field answers to (case-insensitive, as PowerShell binds), with its field and rank: the parameter's
    // own name first, then its aliases in declared order; a record with two of them gives the lowest rank.
    private static readonly Dictionary<string, (int Field, int Rank)> Names = new(StringComparer.OrdinalIgnoreCase);

    static QueryLogRecordReader()
    {
        var fields = new List<Field>();
        foreach (var property in typeof(SendPgQueryLogCommand).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // -Connection (in every parameter set) is bound by PowerShell itself, so it is not a field here.
            var byName = property.GetCustomAttributes<ParameterAttribute>()
                .Any(p => p.ValueFromPipelineByPropertyName && p.ParameterSetName == SendPgQueryLogCommand.RecordSet);
            if (!byName)
                continue;
            var index = fields.Count;
            fields.Add(new Field(property, property.GetCustomAttributes<ArgumentTransformationAttribute>().ToArray()));
            Names[property.Name] = (index, 0);
            var rank = 1;
            foreach (var alias in property.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames))
                Names.TryAdd(alias, (index, rank++));
        }
        Fields = fields.ToArray();
        DurationField = fields.FindIndex(f => f.Name == nameof(SendPgQueryLogCommand.DurationMs));
    }

    /// <summary>
    /// Sets the cmdlet's by-property parameters from the record, as PowerShell's binding would: each to the value of
    /// the record's property of that name (or an alias), converted to the parameter's type, or to its default when
    /// the record has none. Throws PgPerfException (PgPerf.Query.InvalidField, with ParameterName) when a value
    /// cannot be converted or DurationMs is missing.
    /// </summary>
    public static void ReadInto(SendPgQueryLogCommand cmdlet, PSObject record)
    {
        Span<int> ranks = stackalloc int[Fields.Length];
        ranks.Fill(int.MaxValue);
        var values = new object?[Fields.Length];

        if (record.BaseObject is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Key?.ToString() is { } key && Names.TryGetValue(key, out var hit) && hit.Rank < ranks[hit.Field])
                    (ranks[hit.Field], values[hit.Field]) = (hit.Rank, entry.Value);
            }
        }
        else
        {
            foreach (var property in PropertiesOf(record))
            {
                if (Names.TryGetValue(property.Name, out var hit) && hit.Rank < ranks[hit.Field])
                    (ranks[hit.Field], values[hit.Field]) = (hit.Rank, property.Value);
            }
        }

        // Every field is set for every record: one the record lacks goes back to its type's default.
        for (var i = 0; i < Fields.Length; i++)
            Fields[i].Set(cmdlet, ranks[i] == int.MaxValue ? Fields[i].Default : Convert(Fields[i], values[i]));
        // Mandatory, and PowerShell's binding refuses null for it.
        if (values[DurationField] is null)
            throw Invalid(Fields[DurationField].Name,
                $"{Fields[DurationField].Name} is missing: the record has no value for {string.Join(" or ", NamesOf(DurationField))}. The record was not logged.");
    }

    // A PSCustomObject (including Import-Csv's rows) holds all its properties in the PSObject's own member list.
    // Walking PSObject.Properties asks every member source (type data, the adapter) and builds a new list per
    // record, several times the cost of the rest of the record; so that list is read directly. PowerShell keeps it
    // internal: when a future version renames it, this is null and records take the public path.
    private static readonly Func<PSObject, PSMemberInfoCollection<PSMemberInfo>>? InstanceMembers = FindInstanceMembers();

    private static Func<PSObject, PSMemberInfoCollection<PSMemberInfo>>? FindInstanceMembers()
    {
        var getter = typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.NonPublic | BindingFlags.Instance)?.GetGetMethod(nonPublic: true);
        if (getter is null || !typeof(PSMemberInfoCollection<PSMemberInfo>).IsAssignableFrom(getter.ReturnType))
            return null;
        return (Func<PSObject, PSMemberInfoCollection<PSMemberInfo>>)Delegate.CreateDelegate(typeof(Func<PSObject, PSMemberInfoCollection<PSMemberInfo>>), getter);
    }

    private static IEnumerable<PSPropertyInfo> PropertiesOf(PSObject record)
    {
        if (record.BaseObject is PSCustomObject && InstanceMembers is not null)
        {
            foreach (var member in InstanceMembers(record))
            {
                if (member is PSPropertyInfo property)
                    yield return property;
            }
            yield break;
        }
        foreach (var property in record.Properties)
            yield return property;
    }

    private static IEnumerable<string> NamesOf(int field) =>
        Names.Where(n => n.Value.Field == field).OrderBy(n => n.Value.Rank).Select(n => n.Key);

    private static object? Convert(Field field, object? value)
    {
        if (value is PSObject wrapped && field.Type != typeof(object))
            value = wrapped.BaseObject;
        // The common cases without a trip through PowerShell's converter.
        if (field.Transformations.Length == 0)
        {
            if (value is null && !field.Type.IsValueType)
                return null;
            if (field.Type == typeof(string) && value is string)
                return value;
            if (field.Type == typeof(double))
            {
                if (value is double or int or long)
                    return System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                // Import-Csv gives text. Plain decimal numbers parse the same here as in PowerShell's converter;
                // anything else ("1,5", hex, empty) takes the converter below.
                if (value is string text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    return number;
            }
            if (field.Type == typeof(object))
                return value;
        }
        try
        {
            foreach (var transformation in field.Transformations)
                value = transformation.Transform(null!, value);
            // Empty text is no value for an optional time (PowerShell's binding leaves the parameter unset).
            if (value is string { Length: 0 } && Nullable.GetUnderlyingType(field.Type) is not null)
                return null;
            if (field.Type == typeof(SwitchParameter))
                return value is SwitchParameter flag ? flag : new SwitchParameter(LanguagePrimitives.IsTrue(value));
            return LanguagePrimitives.ConvertTo(value, field.Type, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is PSInvalidCastException or ArgumentTransformationMetadataException or InvalidCastException or FormatException)
        {
            throw Invalid(field.Name, $"{field.Name} '{value}' cannot be read as {Describe(field.Type)}: {ex.Message} The record was not logged.");
        }
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(double) => "a number of milliseconds",
        var t when t == typeof(DateTimeOffset) => "a time",
        var t when t == typeof(SwitchParameter) => "a flag (true or false)",
        var t => t.Name,
    };

    private static PgPerfException Invalid(string parameter, string message) =>
        new(PgPerfErrorIds.Query.InvalidField, PgPerfErrorKind.InvalidArgument, message) { ParameterName = parameter };
}
