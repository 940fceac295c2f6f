using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace PgPerf.Engine.Query;

/// <summary>
/// PostgreSQL's binary COPY format for query log rows, in the column order of sql/queries/query_log_copy.sql (used by <see cref="QueryLogWriter"/>). Written
/// by hand because NpgsqlBinaryImporter binds a parameter for every field: about 3 us of the caller's CPU per row
/// (measured), more than the rest of Send-PgQueryLog's work per record.
/// </summary>
internal static class QueryLogCopyFormat
{
    // Signature "PGCOPY\n\xff\r\n\0", then 32-bit flags and header-extension length, both 0.
    private static readonly byte[] Header = { (byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    private const short FieldCount = 11;
    private const byte JsonbVersion = 1;
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    // A lone surrogate becomes U+FFFD instead of failing the whole batch.
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static void WriteHeader(IBufferWriter<byte> w) => w.Write(Header);

    public static void WriteTrailer(IBufferWriter<byte> w) => Int16(w, -1);

    public static void WriteRow(IBufferWriter<byte> w, PgQueryLogEntry r, int serverId)
    {
        Int16(w, FieldCount);
        Int32(w, 4);
        Int32(w, serverId);
        var uuid = w.GetSpan(20);
        BinaryPrimitives.WriteInt32BigEndian(uuid, 16);
        r.RecordId.TryWriteBytes(uuid.Slice(4), bigEndian: true, out _);
        w.Advance(20);
        Int32(w, 8);
        // Microseconds since 2000-01-01 UTC, truncated as Npgsql does.
        Int64(w, (r.LoggedAt.UtcTicks - PostgresEpochTicks) / 10);
        Text(w, r.QueryText, prefix: null);
        Text(w, r.QueryHash, prefix: null);
        Int32(w, 8);
        var d = w.GetSpan(8);
        BinaryPrimitives.WriteDoubleBigEndian(d, r.DurationMs);
        w.Advance(8);
        Text(w, r.Endpoint, prefix: null);
        Text(w, r.UserId, prefix: null);
        Text(w, r.Parameters, prefix: JsonbVersion);
        Bool(w, r.IsError);
        Bool(w, r.QueryTruncated);
    }

    private static void Text(IBufferWriter<byte> w, string? value, byte? prefix)
    {
        if (value is null)
        {
            Int32(w, -1);
            return;
        }
        var extra = prefix is null ? 0 : 1;
        var span = w.GetSpan(4 + extra + Utf8.GetMaxByteCount(value.Length));
        if (prefix is not null)
            span[4] = prefix.Value;
        var length = extra + Utf8.GetBytes(value, span.Slice(4 + extra));
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        w.Advance(4 + length);
    }

    private static void Bool(IBufferWriter<byte> w, bool value)
    {
        var span = w.GetSpan(5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        w.Advance(5);
    }

    private static void Int16(IBufferWriter<byte> w, short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(w.GetSpan(2), value);
        w.Advance(2);
    }

    private static void Int32(IBufferWriter<byte> w, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(w.GetSpan(4), value);
        w.Advance(4);
    }

    private static void Int64(IBufferWriter<byte> w, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(w.GetSpan(8), value);
        w.Advance(8);
    }
}
