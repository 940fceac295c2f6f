using System.Text;
using System.Text.Json;

namespace PgPerf;

/// <summary>Checks and cleans one record before it is written or spooled, so a bad row never reaches COPY.</summary>
public static class QueryLogRules
{
    /// <summary>Longer query texts are stored cut to this many characters with QueryTruncated set.</summary>
    public const int MaxQueryTextLength = 65_536;

    /// <summary>Endpoint and user id are cut to this many characters.</summary>
    public const int MaxLabelLength = 1_024;

    /// <summary>
    /// Longest duration accepted: 24 hours. A larger value is a unit mistake (microseconds or nanoseconds given as
    /// milliseconds), not a query; migration 012 enforces the same limit in the table (query_performance_logs_duration_max).
    /// </summary>
    public const double MaxDurationMs = 86_400_000;

    public const string InvalidDurationId = PgPerfErrorIds.Query.InvalidDuration;
    public const string EmptyQueryTextId = PgPerfErrorIds.Query.EmptyQueryText;
    public const string InvalidParametersId = PgPerfErrorIds.Query.InvalidParameters;
    public const string InvalidLoggedAtId = PgPerfErrorIds.Query.InvalidLoggedAt;

    /// <summary>
    /// Builds a clean entry or throws PgPerfException (InvalidArgument, with ParameterName). NUL characters are
    /// removed (PostgreSQL rejects them in text) and reported through <paramref name="warnings"/>.
    /// </summary>
    public static PgQueryLogEntry Create(string? queryText, double durationMs, DateTimeOffset? loggedAt, string? endpoint, string? userId,
        string? parametersJson, ParameterMode mode, bool isError, ICollection<string> warnings, DateTimeOffset? now = null)
    {
        if (!IsValidDuration(durationMs))
            throw new PgPerfException(InvalidDurationId, PgPerfErrorKind.InvalidArgument,
                $"DurationMs must be a number of milliseconds from 0 to {MaxDurationMs.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} (24 hours); " +
                $"got {durationMs.ToString(System.Globalization.CultureInfo.InvariantCulture)}. The record was not logged. " +
                "Check the unit: the value must be milliseconds (divide microseconds by 1,000, nanoseconds by 1,000,000).")
            { ParameterName = "DurationMs" };

        var text = StripNul(queryText, "QueryText", warnings);
        if (string.IsNullOrWhiteSpace(text))
            throw new PgPerfException(EmptyQueryTextId, PgPerfErrorKind.InvalidArgument,
                "QueryText is empty; give the SQL text or a logical name such as 'conversations.list'.")
            { ParameterName = "QueryText" };

        var at = (loggedAt ?? now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        if (at.Year < 1900 || at.Year > 9999 - 1)
            throw new PgPerfException(InvalidLoggedAtId, PgPerfErrorKind.InvalidArgument,
                $"LoggedAt {at:o} is out of range; give a time after 1900.") { ParameterName = "LoggedAt" };

        var hash = QueryFingerprint.HashOf(text);
        var truncated = text.Length > MaxQueryTextLength;
        if (truncated)
        {
            // Do not cut a surrogate pair in half.
            var cut = char.IsHighSurrogate(text[MaxQueryTextLength - 1]) ? MaxQueryTextLength - 1 : MaxQueryTextLength;
            text = text[..cut];
        }

        return new PgQueryLogEntry
        {
            RecordId = RecordIds.Next(),
            // PostgreSQL keeps microseconds; round here so a replayed row compares equal to the stored one.
            LoggedAt = new DateTimeOffset(at.Ticks - at.Ticks % 10, TimeSpan.Zero),
            QueryText = text,
            QueryHash = hash,
            DurationMs = durationMs,
            Endpoint = Label(StripNul(endpoint, "Endpoint", warnings)),
            UserId = Label(StripNul(userId, "UserId", warnings)),
            Parameters = parametersJson is null ? null : QueryParameters.Apply(parametersJson, mode, warnings),
            IsError = isError,
            QueryTruncated = truncated,
        };
    }

    /// <summary>True for a duration the log accepts: finite, 0 or more, at most <see cref="MaxDurationMs"/>.</summary>
    public static bool IsValidDuration(double durationMs) => durationMs is >= 0 and <= MaxDurationMs;

    private static string? Label(string? value) =>
        string.IsNullOrEmpty(value) ? null : value.Length > MaxLabelLength ? value[..MaxLabelLength] : value;

    private static string? StripNul(string? value, string name, ICollection<string> warnings)
    {
        if (value is null || !value.Contains('\0'))
            return value;
        warnings.Add($"{name} contained NUL characters, which PostgreSQL cannot store in text; they were removed.");
        return value.Replace("\0", "", StringComparison.Ordinal);
    }
}

/// <summary>
/// Random (version 4) record ids like Guid.NewGuid, from the same cryptographic generator, but read 4 KB at a time:
/// Guid.NewGuid asks the OS for 16 bytes on every call, which was a fifth of Send-PgQueryLog's own cost per record.
/// </summary>
internal static class RecordIds
{
    private const int PerRefill = 256;

    [ThreadStatic] private static byte[]? _buffer;
    [ThreadStatic] private static int _next;

    public static Guid Next()
    {
        var buffer = _buffer;
        if (buffer is null || _next == PerRefill)
        {
            buffer = _buffer ??= new byte[PerRefill * 16];
            System.Security.Cryptography.RandomNumberGenerator.Fill(buffer);
            _next = 0;
        }
        var bytes = buffer.AsSpan(_next++ * 16, 16);
        // The version and variant bits of RFC 9562 version 4, in Guid's byte order (as Guid.NewGuid sets them).
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var id = new Guid(bytes);
        // Each id's bytes are used once; clear them so they never linger in memory as a copy.
        bytes.Clear();
        return id;
    }
}

/// <summary>Validates parameter JSON and applies Keep/Redact/Drop.</summary>
public static class QueryParameters
{
    /// <summary>The JSON to store, or null for Drop. Throws PgPerf.Query.InvalidParameters for text that is not JSON.</summary>
    public static string? Apply(string json, ParameterMode mode, ICollection<string>? warnings = null)
    {
        if (mode == ParameterMode.Drop)
            return null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new PgPerfException(QueryLogRules.InvalidParametersId, PgPerfErrorKind.InvalidArgument,
                $"Parameters is not valid JSON ({ex.Message}); give a hashtable, an object or a JSON string.", null, ex)
            { ParameterName = "Parameters" };
        }

        using (document)
        {
            var hadNul = false;
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
                Write(writer, document.RootElement, mode == ParameterMode.Redact, ref hadNul);
            if (hadNul)
                warnings?.Add("Parameters contained NUL characters, which PostgreSQL cannot store in jsonb; they were removed.");
            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }

    private static void Write(Utf8JsonWriter w, JsonElement e, bool redact, ref bool hadNul)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject())
                {
                    w.WritePropertyName(Clean(p.Name, ref hadNul));
                    Write(w, p.Value, redact, ref hadNul);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray())
                    Write(w, item, redact, ref hadNul);
                w.WriteEndArray();
                break;
            case JsonValueKind.String:
                w.WriteStringValue(redact ? "***" : Clean(e.GetString()!, ref hadNul));
                break;
            case JsonValueKind.Number:
                if (redact) w.WriteNumberValue(0);
                else e.WriteTo(w);
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                w.WriteBooleanValue(!redact && e.GetBoolean());
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }

    private static string Clean(string s, ref bool hadNul)
    {
        if (!s.Contains('\0')) return s;
        hadNul = true;
        return s.Replace("\0", "", StringComparison.Ordinal);
    }
}
