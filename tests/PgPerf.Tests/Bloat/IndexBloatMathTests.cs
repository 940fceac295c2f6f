using Xunit;

namespace PgPerf.Tests.Bloat;

public class IndexBloatMathTests
{
    [Theory]
    [InlineData(0, "Ok")]
    [InlineData(29.99, "Ok")]
    [InlineData(30, "Warning")]
    [InlineData(49.99, "Warning")]
    [InlineData(50, "Critical")]
    public void Index_status_bands(double percent, string expected) => Assert.Equal(expected, BloatMath.IndexStatus(percent, 1024 * 1024));

    [Fact]
    public void A_single_page_to_give_back_is_not_bloat()
    {
        Assert.Equal("Ok", BloatMath.IndexStatus(50, 8192));
        Assert.Equal("Critical", BloatMath.IndexStatus(50, 16384));
    }

    // Entry sizes from PostgreSQL's layout: an 8-byte IndexTupleData header (16 with a NULL bitmap), keys aligned,
    // the tuple MAXALIGNed to 8, plus a 4-byte line pointer.
    [Fact]
    public void Entry_of_an_int4_key_is_16_bytes_plus_its_line_pointer() =>
        Assert.Equal(20, BloatMath.IndexEntryBytes(new[] { 4 }, new[] { 4 }, new double?[] { null }, new[] { 0.0 }));

    [Fact]
    public void Entry_of_int4_then_int8_pads_the_int8_to_8() =>
        Assert.Equal(8 + 4 + 4 + 8 + 4, BloatMath.IndexEntryBytes(new[] { 4, 8 }, new[] { 4, 8 }, new double?[] { null, null }, new[] { 0.0, 0.0 }));

    [Fact]
    public void Entry_of_a_uuid_key_is_24_bytes_plus_its_line_pointer() =>
        Assert.Equal(28, BloatMath.IndexEntryBytes(new[] { 16 }, new[] { 1 }, new double?[] { null }, new[] { 0.0 }));

    [Fact]
    public void Entry_with_a_short_text_key_needs_its_width_and_averages_the_final_padding()
    {
        Assert.Null(BloatMath.IndexEntryBytes(new[] { -1 }, new[] { 4 }, new double?[] { null }, new[] { 0.0 }));
        Assert.Equal(8 + 11 + 3.5 + 4, BloatMath.IndexEntryBytes(new[] { -1 }, new[] { 4 }, new double?[] { 11 }, new[] { 0.0 }));
    }

    [Fact]
    public void Entries_with_nulls_carry_the_bitmap_header_as_often_as_they_have_a_null()
    {
        // An all-NULL int8 entry is a 16-byte header with no data plus its line pointer (20); the average padding
        // of a layout with NULLs may add up to half an alignment unit.
        var always = BloatMath.IndexEntryBytes(new[] { 8 }, new[] { 8 }, new double?[] { null }, new[] { 1.0 })!.Value;
        Assert.InRange(always, 20, 23.5);
        var never = BloatMath.IndexEntryBytes(new[] { 8 }, new[] { 8 }, new double?[] { null }, new[] { 0.0 })!.Value;
        Assert.Equal(20, never);
    }

    [Fact]
    public void Empty_index_is_its_metapage() => Assert.Equal(1, BloatMath.BtreePagesNeeded(0, 20, 90, true));

    [Fact]
    public void Pages_shrink_with_a_higher_fillfactor_and_grow_with_the_entry_size()
    {
        var ff90 = BloatMath.BtreePagesNeeded(1_000_000, 20, 90, true);
        Assert.True(BloatMath.BtreePagesNeeded(1_000_000, 20, 100, true) < ff90);
        Assert.True(BloatMath.BtreePagesNeeded(1_000_000, 20, 50, true) > ff90);
        Assert.True(BloatMath.BtreePagesNeeded(1_000_000, 28, 90, true) > ff90);
    }

    [Fact]
    public void A_full_leaf_measured_by_pgstatindex_repacks_to_fillfactor()
    {
        // 1000 leaf pages 90 % full (a fresh build) repack into about the same 1000 leaves (plus internal pages and the metapage).
        var pages = BloatMath.BtreePagesFromStatIndex(1000, 90, 90, 20);
        Assert.InRange(pages, 1000, 1010);
        // Half as dense: half the leaves.
        Assert.InRange(BloatMath.BtreePagesFromStatIndex(1000, 45, 90, 20), 500, 510);
        Assert.Equal(1, BloatMath.BtreePagesFromStatIndex(0, double.NaN, 90, null));
    }

    [Fact]
    public void Rejects_a_fillfactor_outside_10_to_100() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BloatMath.BtreePagesNeeded(10, 20, 5, true));

    [Fact]
    public void Repeated_keys_become_posting_lists_of_six_bytes_per_row()
    {
        // 40000 int4 entries in 200 groups of 200: each group fits in two posting tuples of at most 812 bytes.
        var (entries, bytes) = BloatMath.DeduplicatedEntries(40_000, 200, 20);
        Assert.Equal(400, entries);
        var total = entries * bytes;
        Assert.InRange(total / 40_000, 6, 6.5);
        // Unique keys stay plain entries.
        Assert.Equal((1000.0, 20.0), BloatMath.DeduplicatedEntries(1000, 1000, 20));
    }
}
