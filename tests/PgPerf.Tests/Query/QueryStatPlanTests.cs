using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Query;

public sealed class QueryStatPlanTests
{
    private static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    // Every whole hour a split stands for, with what read it: d = single day, h = single hour, b = block.
    private static List<(DateTime Hour, char From)> Hours(QueryStatParts parts)
    {
        var list = new List<(DateTime, char)>();
        foreach (var d in parts.Days) list.AddRange(Enumerable.Range(0, 24).Select(i => (d.AddHours(i), 'd')));
        foreach (var h in parts.Hours) list.Add((h, 'h'));
        for (var i = 0; i < parts.BlockStarts.Length; i++)
            list.AddRange(Enumerable.Range(0, parts.BlockHours[i]).Select(k => (parts.BlockStarts[i].AddHours(k), 'b')));
        return list;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Blocks_cover_exactly_the_clean_whole_hours_and_days_and_are_aligned(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 200; trial++)
        {
            var end = new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(0, 60 * 24 * 40));
            var start = end.AddMinutes(-random.Next(121, 60 * 24 * 35)); // at least one whole hour, so the rollups apply
            var dirty = Enumerable.Range(0, random.Next(0, 6)).Select(_ => QueryStatPlan.Floor(start.AddHours(random.Next(0, (int)(end - start).TotalHours + 1)), TimeSpan.FromHours(1))).ToList();
            var plan = QueryStatPlan.For(new QueryStatOptions { Start = start, End = end })!;
            var plain = plan.Split(dirty, useBlocks: false);
            var blocked = plan.Split(dirty, useBlocks: true);

            Assert.Empty(plain.BlockStarts);
            var want = Hours(plain).Select(x => x.Hour).Order().ToList();
            var got = Hours(blocked).Select(x => x.Hour).Order().ToList();
            Assert.Equal(want, got); // same hours, none twice
            Assert.Equal(plain.RawFrom, blocked.RawFrom);
            Assert.Equal(plain.RawTo, blocked.RawTo);
            for (var i = 0; i < blocked.BlockStarts.Length; i++)
            {
                var (at, hours) = (blocked.BlockStarts[i], blocked.BlockHours[i]);
                if (hours < 24)
                {
                    Assert.Contains(hours, QueryStatPlan.HourBlockSpans);
                    Assert.Equal(0, at.Hour % hours);
                    Assert.Equal(at.Date, at.AddHours(hours - 1).Date);
                }
                else
                {
                    Assert.Contains(hours / 24, QueryStatPlan.DayBlockSpans);
                    Assert.Equal(TimeSpan.Zero, at.TimeOfDay);
                    Assert.Equal(0, (at - Epoch).Days % (hours / 24));
                }
            }
            Assert.True(blocked.Days.Length + blocked.Hours.Length + blocked.BlockStarts.Length <= plain.Days.Length + plain.Hours.Length);
        }
    }

    [Fact]
    public void No_block_starts_before_the_oldest_daily_rollup()
    {
        var end = new DateTime(2026, 11, 27, 7, 55, 0, DateTimeKind.Utc);
        var plan = QueryStatPlan.For(new QueryStatOptions { Start = end.AddDays(-40), End = end })!;
        var first = new DateTime(2026, 11, 3, 0, 0, 0, DateTimeKind.Utc);
        var parts = plan.Split(Array.Empty<DateTime>(), useBlocks: true, first);
        Assert.NotEmpty(parts.BlockStarts);
        Assert.All(parts.BlockStarts, b => Assert.True(b >= first, $"block at {b:u}"));
        Assert.Equal(Hours(plan.Split(Array.Empty<DateTime>(), useBlocks: false)).Select(x => x.Hour).Order(), Hours(parts).Select(x => x.Hour).Order());
        // Without the limit the same window starts a block before that day.
        Assert.Contains(plan.Split(Array.Empty<DateTime>(), useBlocks: true).BlockStarts, b => b < first);
    }

    [Fact]
    public void A_29_day_window_reads_a_handful_of_rows_per_query_instead_of_one_per_day_and_hour()
    {
        var end = new DateTime(2026, 11, 27, 7, 55, 0, DateTimeKind.Utc);
        var plan = QueryStatPlan.For(new QueryStatOptions { Start = end.AddHours(-696), End = end })!;
        var plain = plan.Split(Array.Empty<DateTime>(), useBlocks: false);
        var blocked = plan.Split(Array.Empty<DateTime>(), useBlocks: true);
        Assert.Equal(51, plain.Days.Length + plain.Hours.Length); // 28 days and 23 hours
        Assert.InRange(blocked.Days.Length + blocked.Hours.Length + blocked.BlockStarts.Length, 5, 12);
    }
}
