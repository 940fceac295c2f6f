using Xunit;

namespace PgPerf.Tests.Query;

public sealed class QueryDigestTests
{
    // The promise in the docs ("within 1 % of percentile_cont"), written here rather than taken from QueryDigest:
    // a coarser bucket growth must fail these tests, not widen their tolerance with it.
    private const double Promised = 0.01;

    // percentile_cont, the way PostgreSQL computes it.
    private static double PercentileCont(double[] values, double p)
    {
        var s = values.Order().ToArray();
        var h = p * (s.Length - 1);
        var lo = (int)Math.Floor(h);
        var hi = (int)Math.Ceiling(h);
        return s[lo] + (s[hi] - s[lo]) * (h - lo);
    }

    private static double[] LogNormal(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => Math.Round(Math.Exp(3 + 1.4 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())), 3)).ToArray();

    [Fact]
    public void A_value_over_the_log_limit_counts_at_the_limit_and_never_overflows()
    {
        var digest = new QueryDigest();
        // Enough values to leave exact mode, so the buckets are used too.
        digest.AddRange(Enumerable.Range(1, 100).Select(i => (double)i));
        digest.Add(1e308);
        digest.Add(1e308);
        digest.Add(double.PositiveInfinity);

        Assert.Equal(103, digest.Count);
        Assert.Equal(5050 + 3 * QueryLogRules.MaxDurationMs, digest.Sum);
        Assert.Equal(QueryLogRules.MaxDurationMs, digest.Max);
        Assert.Equal(QueryLogRules.MaxDurationMs, digest.Percentile(1.0));
        var merged = new QueryDigest();
        merged.MergePacked(digest.Pack(), digest.Count, digest.Sum, digest.Min, digest.Max);
        Assert.Equal(digest.Sum, merged.Sum);
        Assert.Equal(QueryLogRules.MaxDurationMs, merged.Max);
    }

    [Fact]
    public void Exact_values_give_percentile_cont_exactly()
    {
        var values = new[] { 12.5, 3, 700, 0, 41.25, 41.25, 9 };
        var d = new QueryDigest();
        d.AddRange(values);
        Assert.True(d.IsExact);
        foreach (var p in new[] { 0, 0.5, 0.95, 0.99, 1 })
            Assert.Equal(PercentileCont(values, p), d.Percentile(p)!.Value, 12);
        Assert.Null(new QueryDigest().Percentile(0.5));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(40)]
    [InlineData(5000)]
    [InlineData(200000)]
    public void Packed_histograms_merged_from_parts_stay_within_the_stated_error(int n)
    {
        var random = new Random(n);
        var values = LogNormal(random, n);
        // Split into uneven parts, pack each (as hourly rollups would), merge the packed parts.
        var merged = new QueryDigest();
        var offset = 0;
        while (offset < n)
        {
            var size = Math.Min(n - offset, 1 + random.Next(Math.Max(1, n / 7)));
            var part = new QueryDigest();
            part.AddRange(values.Skip(offset).Take(size));
            merged.MergePacked(part.Pack(), part.Count, part.Sum, part.Min, part.Max);
            offset += size;
        }
        Assert.Equal(n, merged.Count);
        Assert.Equal(values.Min(), merged.Min);
        Assert.Equal(values.Max(), merged.Max);
        foreach (var p in new[] { 0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1 })
        {
            var exact = PercentileCont(values, p);
            var got = merged.Percentile(p)!.Value;
            Assert.True(Math.Abs(got - exact) <= Promised * exact + 1e-12, $"n={n} p={p}: {got} vs {exact}");
        }
    }

    [Fact]
    public void Zero_and_sub_millisecond_durations_pack_and_merge()
    {
        var values = new[] { 0, 0, 0.0004, 0.02, 0.5, 1, 2, 1e6 }.Concat(Enumerable.Repeat(3.0, 40)).ToArray();
        var d = new QueryDigest();
        d.AddRange(values);
        var packed = d.Pack();
        Assert.Equal(2, packed[0]); // more than ExactLimit values: histogram
        var back = new QueryDigest();
        back.MergePacked(packed, d.Count, d.Sum, d.Min, d.Max);
        Assert.False(back.IsExact);
        Assert.Equal(0, back.Percentile(0));
        Assert.Equal(1e6, back.Percentile(1));
        Assert.True(Math.Abs(back.Percentile(0.5)!.Value - 3) <= 3 * Promised);

        var few = new QueryDigest();
        few.AddRange(new[] { 5.5, 0, 1e-7 });
        var again = new QueryDigest();
        again.MergePacked(few.Pack(), few.Count, few.Sum, few.Min, few.Max);
        Assert.True(again.IsExact);
        Assert.Equal(5.5, again.Percentile(1));
        Assert.Equal(1e-7, again.Percentile(0.5));
    }
}
