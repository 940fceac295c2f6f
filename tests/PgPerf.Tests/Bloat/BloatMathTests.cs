using Xunit;

namespace PgPerf.Tests.Bloat;

public class BloatMathTests
{
    [Theory]
    [InlineData(0, PgBloatStatus.Healthy)]
    [InlineData(9.99, PgBloatStatus.Healthy)]
    [InlineData(10, PgBloatStatus.Monitor)]
    [InlineData(20, PgBloatStatus.Monitor)]
    [InlineData(20.01, PgBloatStatus.ActionRequired)]
    [InlineData(50, PgBloatStatus.ActionRequired)]
    [InlineData(50.01, PgBloatStatus.Critical)]
    [InlineData(100, PgBloatStatus.Critical)]
    public void Status_follows_the_spec_bands(double percent, PgBloatStatus expected) =>
        Assert.Equal(expected, BloatMath.Status(percent));

    [Fact]
    public void Confidence_is_lowered_by_flags()
    {
        Assert.Equal(PgBloatConfidence.High, BloatMath.Confidence(Array.Empty<string>()));
        Assert.Equal(PgBloatConfidence.High, BloatMath.Confidence(new[] { "PartitionedParent" }));
        Assert.Equal(PgBloatConfidence.Medium, BloatMath.Confidence(new[] { "DroppedColumns" }));
        Assert.Equal(PgBloatConfidence.Medium, BloatMath.Confidence(new[] { "PaddingHeavy", "NameColumns" }));
        Assert.Equal(PgBloatConfidence.Low, BloatMath.Confidence(new[] { "PaddingHeavy", "NoStats" }));
        Assert.Equal(PgBloatConfidence.Low, BloatMath.Confidence(new[] { "StaleStats" }));
        Assert.Equal(PgBloatConfidence.Low, BloatMath.Confidence(new[] { "NoStatsAccess" }));
    }

    [Fact]
    public void Percent_never_divides_by_zero_and_stays_in_range()
    {
        Assert.Equal(0, BloatMath.Percent(0, 0));
        Assert.Equal(0, BloatMath.Percent(5, 0));
        Assert.Equal(100, BloatMath.Percent(20, 10));
        Assert.Equal(0, BloatMath.Percent(-3, 10));
        Assert.Equal(33.33, BloatMath.Percent(1, 3));
    }

    [Fact]
    public void Page_capacity_keeps_the_fillfactor_reserve_free()
    {
        Assert.Equal(8168, BloatMath.UsableBytesPerPage(100));
        Assert.Equal(8168 - 2457, BloatMath.UsableBytesPerPage(70));
        Assert.Throws<ArgumentOutOfRangeException>(() => BloatMath.UsableBytesPerPage(5));
        // 60-byte rows: 136 whole rows per page at fillfactor 100, 95 at 70.
        Assert.Equal(74, BloatMath.HeapPagesNeeded(10_000, 60, 100, fixedWidth: true));
        Assert.Equal(106, BloatMath.HeapPagesNeeded(10_000, 60, 70, fixedWidth: true));
        // Rows of varying size leave half a row free per page on average: 136.13 - 0.5 per page.
        Assert.Equal(74, BloatMath.HeapPagesNeeded(10_000, 60, 100, fixedWidth: false));
        Assert.Equal(0, BloatMath.HeapPagesNeeded(0, 60, 100, fixedWidth: true));
        // Never more than 291 rows in a heap page.
        Assert.Equal(4, BloatMath.HeapPagesNeeded(1000, 28, 100, fixedWidth: true));
        Assert.Equal(3, BloatMath.ToastPagesNeeded(9));
    }

    [Fact]
    public void Exact_figures_count_what_a_rewrite_gives_back_not_the_fillfactor_reserve()
    {
        // 88 pages at fillfactor 70 holding 9,500 fixed 52-byte rows (t_len 48, 109 a page): as tight as fillfactor allows.
        var heap = new PgStatTupleFigures(TableLen: 88 * 8192, TupleCount: 9_500, TupleLen: 9_500 * 48, DeadTupleCount: 0, DeadTupleLen: 0, FreeSpace: 250_000);
        var figures = BloatMath.FromStatTuple(heap, null, fillFactor: 70, fixedWidth: true);
        Assert.Equal(0, figures.BloatBytes);            // free + dead would call 30 % waste
        Assert.Equal(9_500, figures.LiveTuples);

        // The same table after deleting 60 % of the rows: 40 pages hold the rest.
        var deleted = heap with { TupleCount = 3_800, TupleLen = 3_800 * 48, DeadTupleCount = 5_700, DeadTupleLen = 5_700 * 48 };
        var after = BloatMath.FromStatTuple(deleted, null, 70, true);
        Assert.Equal((88 - 35) * 8192, after.BloatBytes);
        Assert.Equal(60.23, after.BloatPercent);

        // TOAST adds its size and its packed need (four chunks per page).
        var toast = new PgStatTupleFigures(20 * 8192, 40, 40 * 2032, 0, 0, 0);
        var withToast = BloatMath.FromStatTuple(deleted, toast, 70, true);
        Assert.Equal(108 * 8192, withToast.TableBytes);
        Assert.Equal(after.BloatBytes + 10 * 8192, withToast.BloatBytes);
    }

    [Fact]
    public void Empty_tables_are_all_bloat_or_nothing()
    {
        var empty = new PgStatTupleFigures(0, 0, 0, 0, 0, 0);
        var none = BloatMath.FromStatTuple(empty, null, 100, false);
        Assert.Equal(0, none.BloatBytes);
        Assert.Equal(0, none.BloatPercent);
        var allDeleted = new PgStatTupleFigures(8 * 8192, 0, 0, 500, 20_000, 0);
        Assert.Equal(100, BloatMath.FromStatTuple(allDeleted, null, 100, false).BloatPercent);
    }

    [Fact]
    public void Approx_uses_the_estimated_row_size_for_skipped_pages()
    {
        // All pages skipped: tuple_len is used space (line pointers of removed rows included).
        var approx = new PgStatTupleFigures(100 * 8192, 4_000, 4_000 * 200, 0, 0, 400_000, ScannedPercent: 0);
        Assert.Equal(52, BloatMath.StoredRowBytes(approx, fixedWidth: true, estimatedRowBytes: 52));
        // Half scanned: half and half.
        var half = approx with { ScannedPercent = 50, TupleLen = 4_000 * 44 };
        Assert.Equal((52 + 52) / 2.0, BloatMath.StoredRowBytes(half, fixedWidth: true, estimatedRowBytes: 52), 6);
    }

    [Theory]
    [InlineData("public", "orders", false, false, "VACUUM public.orders")]
    [InlineData("public", "orders", true, false, "VACUUM (FULL) public.orders")]
    [InlineData("sales", "Order Items", true, true, "VACUUM (FULL, ANALYZE) sales.\"Order Items\"")]
    [InlineData("My\"Schema", "select", false, true, "VACUUM (ANALYZE) \"My\"\"Schema\".\"select\"")]
    public void Vacuum_sql_quotes_identifiers(string schema, string table, bool full, bool analyze, string expected) =>
        Assert.Equal(expected, PgVacuumSql.Build(schema, table, full, analyze));

    [Theory]
    [InlineData("orders", "orders")]
    [InlineData("_t1", "_t1")]
    [InlineData("Orders", "\"Orders\"")]
    [InlineData("1st", "\"1st\"")]
    [InlineData("order", "\"order\"")]
    [InlineData("a-b", "\"a-b\"")]
    public void Identifiers_are_quoted_like_quote_ident(string name, string expected) =>
        Assert.Equal(expected, PgIdentifier.Quote(name));
}
