using System.Buffers.Binary;

namespace PgPerf;

/// <summary>
/// A mergeable latency distribution: the exact values while every input was exact, otherwise counts in
/// logarithmic buckets 2 % wide (bucket i holds [1.02^i, 1.02^(i+1)) ms, zero has its own count).
/// Percentiles interpolate between ranks as percentile_cont does, taking each rank's value as its bucket's
/// geometric middle clamped to [min, max], so an estimate is within <see cref="RelativeError"/> of the exact
/// percentile_cont. Packed form (bytea in query_log_hourly/daily): 1, n, n doubles (exact, n ≤ ExactLimit)
/// or 2, zero count, bucket count, then (bucket delta, count) pairs, all as varints.
/// </summary>
public sealed class QueryDigest
{
    public const double Gamma = 1.02;

    /// <summary>Largest relative error of a percentile from buckets: sqrt(1.02) - 1 (about 0.995 %).</summary>
    public static readonly double RelativeError = Math.Sqrt(Gamma) - 1;

    /// <summary>Rollup rows with at most this many executions store the exact values.</summary>
    public const int ExactLimit = 32;

    private const byte ExactFormat = 1;
    private const byte HistogramFormat = 2;
    private static readonly double LnGamma = Math.Log(Gamma);

    // Exact mode: the values (unsorted until needed). Histogram mode: dense counts from bucket _offset.
    private List<double>? _exact = new();
    private long[] _counts = Array.Empty<long>();
    private int _offset;
    private long _zeros;

    public long Count { get; private set; }
    public double Sum { get; private set; }
    public double Min { get; private set; } = double.PositiveInfinity;
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>True while the percentiles are exact (every input was a raw or exactly packed value).</summary>
    public bool IsExact => _exact is not null;

    public static int BucketOf(double value) => (int)Math.Floor(Math.Log(value) / LnGamma);

    public void Add(double value)
    {
        // The log holds nothing above QueryLogRules.MaxDurationMs (migration 012 lowered older rows to it); a larger,
        // infinite or NaN value is counted at that limit, so one such value cannot turn Sum into Infinity or the
        // buckets into an array of tens of thousands.
        if (!(value <= QueryLogRules.MaxDurationMs)) value = QueryLogRules.MaxDurationMs;
        Count++;
        Sum += value;
        if (value < Min) Min = value;
        if (value > Max) Max = value;
        if (_exact is not null) _exact.Add(value);
        else AddToBucket(value, 1);
    }

    public void AddRange(IEnumerable<double> values)
    {
        foreach (var v in values) Add(v);
    }

    /// <summary>Adds a packed digest whose count, sum, min and max are given (they are columns next to it).</summary>
    public void MergePacked(ReadOnlySpan<byte> packed, long count, double sum, double min, double max)
    {
        if (packed.Length == 0 || count == 0) return;
        var format = packed[0];
        var pos = 1;
        if (format == ExactFormat)
        {
            var n = (int)ReadVarint(packed, ref pos);
            for (var i = 0; i < n; i++, pos += 8)
            {
                var v = BinaryPrimitives.ReadDoubleLittleEndian(packed.Slice(pos, 8));
                if (_exact is not null) _exact.Add(v);
                else AddToBucket(v, 1);
            }
        }
        else if (format == HistogramFormat)
        {
            ToHistogram();
            _zeros += (long)ReadVarint(packed, ref pos);
            var buckets = (int)ReadVarint(packed, ref pos);
            var bucket = 0;
            for (var i = 0; i < buckets; i++)
            {
                var step = (long)ReadVarint(packed, ref pos);
                bucket = i == 0 ? (int)((step >> 1) ^ -(step & 1)) : bucket + (int)step;
                var c = (long)ReadVarint(packed, ref pos);
                Grow(bucket);
                _counts[bucket - _offset] += c;
            }
        }
        else
        {
            throw new InvalidDataException($"Unknown query digest format {format}.");
        }
        Count += count;
        Sum += sum;
        if (min < Min) Min = min;
        if (max > Max) Max = max;
    }

    public void Merge(QueryDigest other)
    {
        if (other.Count == 0) return;
        if (other._exact is not null)
        {
            if (_exact is not null) _exact.AddRange(other._exact);
            else foreach (var v in other._exact) AddToBucket(v, 1);
        }
        else
        {
            ToHistogram();
            _zeros += other._zeros;
            for (var i = 0; i < other._counts.Length; i++)
                if (other._counts[i] != 0)
                {
                    Grow(other._offset + i);
                    _counts[other._offset + i - _offset] += other._counts[i];
                }
        }
        Count += other.Count;
        Sum += other.Sum;
        if (other.Min < Min) Min = other.Min;
        if (other.Max > Max) Max = other.Max;
    }

    public byte[] Pack()
    {
        var buffer = new List<byte>(64);
        if (_exact is not null && _exact.Count <= ExactLimit)
        {
            buffer.Add(ExactFormat);
            WriteVarint(buffer, (ulong)_exact.Count);
            Span<byte> eight = stackalloc byte[8];
            foreach (var v in _exact.Order())
            {
                BinaryPrimitives.WriteDoubleLittleEndian(eight, v);
                foreach (var b in eight) buffer.Add(b);
            }
            return buffer.ToArray();
        }
        ToHistogram();
        buffer.Add(HistogramFormat);
        WriteVarint(buffer, (ulong)_zeros);
        var used = 0;
        foreach (var c in _counts) if (c != 0) used++;
        WriteVarint(buffer, (ulong)used);
        int? previous = null;
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] == 0) continue;
            var bucket = _offset + i;
            // The first bucket is zigzag-encoded (it may be negative: values under 1 ms), the rest are steps up.
            WriteVarint(buffer, previous is null ? (uint)((bucket << 1) ^ (bucket >> 31)) : (ulong)(bucket - previous.Value));
            WriteVarint(buffer, (ulong)_counts[i]);
            previous = bucket;
        }
        return buffer.ToArray();
    }

    /// <summary>The p-quantile (0..1) as percentile_cont computes it; null when empty.</summary>
    public double? Percentile(double p)
    {
        if (Count == 0) return null;
        var h = p * (Count - 1);
        var lo = (long)Math.Floor(h);
        var hi = (long)Math.Ceiling(h);
        if (_exact is not null)
        {
            _exact.Sort();
            var a = _exact[(int)lo];
            var b = _exact[(int)hi];
            return a + (b - a) * (h - lo);
        }
        var va = ValueAtRank(lo);
        var vb = hi == lo ? va : ValueAtRank(hi);
        return va + (vb - va) * (h - lo);
    }

    private double ValueAtRank(long rank)
    {
        // The first and last ranks are known exactly.
        if (rank == 0) return Min;
        if (rank == Count - 1) return Max;
        if (rank < _zeros) return 0;
        var seen = _zeros;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (rank < seen)
            {
                var middle = Math.Exp((_offset + i + 0.5) * LnGamma);
                return Math.Clamp(middle, Min, Max);
            }
        }
        return Max;
    }

    private void ToHistogram()
    {
        if (_exact is null) return;
        var values = _exact;
        _exact = null;
        foreach (var v in values) AddToBucket(v, 1);
    }

    private void AddToBucket(double value, long count)
    {
        if (value <= 0) { _zeros += count; return; }
        var bucket = BucketOf(value);
        Grow(bucket);
        _counts[bucket - _offset] += count;
    }

    private void Grow(int bucket)
    {
        if (_counts.Length == 0)
        {
            _offset = bucket - 64;
            _counts = new long[512];
            return;
        }
        if (bucket >= _offset && bucket < _offset + _counts.Length) return;
        var low = Math.Min(_offset, bucket - 32);
        var high = Math.Max(_offset + _counts.Length, bucket + 32);
        var grown = new long[Math.Max(high - low, _counts.Length * 2)];
        Array.Copy(_counts, 0, grown, _offset - low, _counts.Length);
        _counts = grown;
        _offset = low;
    }

    private static void WriteVarint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.Add((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        var shift = 0;
        while (true)
        {
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
            shift += 7;
        }
    }
}
