using Xunit;

namespace PgPerf.Tests.Query;

public class QueryThresholdsTests
{
    [Theory]
    [InlineData(0, QueryStatus.Good)]
    [InlineData(45.2, QueryStatus.Good)]
    [InlineData(99.999, QueryStatus.Good)]
    [InlineData(100, QueryStatus.Warning)]
    [InlineData(235.8, QueryStatus.Warning)]
    [InlineData(500, QueryStatus.Warning)]
    [InlineData(500.001, QueryStatus.Critical)]
    [InlineData(750, QueryStatus.Critical)]
    public void Classifies_by_the_spec_thresholds(double averageMs, QueryStatus expected) =>
        Assert.Equal(expected, QueryThresholds.Classify(averageMs));

    [Fact]
    public void No_average_is_NoData()
    {
        Assert.Equal(QueryStatus.NoData, QueryThresholds.Classify(null));
        Assert.Equal(QueryStatus.NoData, QueryThresholds.Classify(double.NaN));
    }
}
