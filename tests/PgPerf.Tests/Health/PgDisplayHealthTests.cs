using System.Globalization;
using Xunit;

namespace PgPerf.Tests.Health;

// How the health and replication views show durations and measured values (PgDisplay.Health.cs): short enough for
// their columns at any size, and never rounded up into the next unit.
public class PgDisplayHealthTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData(0.04, "0s")]
    [InlineData(12.46, "12.4s")]
    [InlineData(59.97, "59.9s")]
    [InlineData(60.0, "1m 00s")]
    [InlineData(245.9, "4m 05s")]
    [InlineData(3599.99, "59m 59s")]
    [InlineData(12_000.0, "3h 20m")]
    [InlineData(86_399.5, "23h 59m")]
    [InlineData(1_051_200.0, "12d 04h")]
    [InlineData(86_313_600.0, "999d 00h")]
    public void Duration_keeps_the_two_largest_units(double? seconds, string shown)
    {
        using var _ = new InvariantCulture();
        Assert.Equal(shown, PgDisplay.Duration(seconds));
        Assert.True(PgDisplay.Duration(seconds).Length <= 8);
    }

    [Theory]
    [InlineData(null, "seconds", "")]
    [InlineData(125.0, "seconds", "2m 05s")]
    [InlineData(3_221_225_472.0, "bytes", "3.0 GB")]
    [InlineData(87.46, "percent", "87.5 %")]
    [InlineData(2.5, "factor", "2.5x")]
    [InlineData(0.125, "ratio", "0.13")]
    public void Measure_shows_a_value_in_its_unit(double? value, string unit, string shown)
    {
        using var _ = new InvariantCulture();
        Assert.Equal(shown, PgDisplay.Measure(value, unit));
    }

    private sealed class InvariantCulture : IDisposable
    {
        private readonly CultureInfo _saved = CultureInfo.CurrentCulture;
        public InvariantCulture() => CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        public void Dispose() => CultureInfo.CurrentCulture = _saved;
    }
}
