using Xunit;

namespace PgPerf.Tests.Statements;

public sealed class StatementMathTests
{
    [Fact]
    public void PooledStddevOfIntervalSumsEqualsTheStddevOfAllExecutions()
    {
        // Three intervals of executions, as three snapshots would store them: calls, total and sum of squares.
        var intervals = new[] { new[] { 1.0, 2.0, 3.5 }, new[] { 10.0, 12.5 }, new[] { 0.25, 7.0, 7.0, 9.0 } };
        var all = intervals.SelectMany(x => x).ToArray();
        var mean = all.Average();
        var expected = Math.Sqrt(all.Sum(x => (x - mean) * (x - mean)) / all.Length);

        long calls = intervals.Sum(i => i.Length);
        var total = intervals.Sum(i => i.Sum());
        var sumSq = intervals.Sum(i => i.Sum(x => x * x));

        Assert.Equal(expected, StatementMath.PooledStddev(calls, total, sumSq), 12);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(-1, 5, 5)]
    public void NoCallsMeansNoSpread(long calls, double total, double sumSq) =>
        Assert.Equal(0, StatementMath.PooledStddev(calls, total, sumSq));

    [Fact]
    public void RoundingBelowZeroIsNotANaN()
    {
        // One value repeated: the variance is 0, and the subtraction may land just below it.
        var v = 0.1 + 0.2;
        Assert.Equal(0, StatementMath.PooledStddev(3, 3 * v, 3 * v * v * (1 - 1e-15)));
    }
}
