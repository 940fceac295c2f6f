using Xunit;

namespace PgPerf.Tests.Query;

public class QueryLogRulesTests
{
    private static PgQueryLogEntry Create(string? text = "q.name", double duration = 5, string? parameters = null, ParameterMode mode = ParameterMode.Keep, List<string>? warnings = null) =>
        QueryLogRules.Create(text, duration, null, "/api", "u1", parameters, mode, false, warnings ?? new List<string>());

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e300)]
    [InlineData(86_400_000.001)]
    public void Rejects_bad_durations(double duration)
    {
        var ex = Assert.Throws<PgPerfException>(() => Create(duration: duration));
        Assert.Equal("PgPerf.Query.InvalidDuration", ex.ErrorId);
        Assert.Equal("DurationMs", ex.ParameterName);
        // Says the documented limit and what to do.
        Assert.Contains("from 0 to 86,400,000 (24 hours)", ex.Message);
        Assert.Contains("Check the unit", ex.Message);
    }

    [Fact]
    public void Accepts_durations_up_to_24_hours()
    {
        Assert.Equal(86_400_000, Create(duration: 86_400_000).DurationMs);
        Assert.Equal(0, Create(duration: 0).DurationMs);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\0")]
    public void Rejects_empty_query_text(string? text)
    {
        var ex = Assert.Throws<PgPerfException>(() => Create(text));
        Assert.Equal("PgPerf.Query.EmptyQueryText", ex.ErrorId);
    }

    [Fact]
    public void Strips_NUL_characters_with_a_warning()
    {
        var warnings = new List<string>();
        var e = Create("SELECT 1\0 FROM t", warnings: warnings, parameters: "{\"k\":\"a\\u0000b\"}");
        Assert.Equal("SELECT 1 FROM t", e.QueryText);
        Assert.Equal("{\"k\":\"ab\"}", e.Parameters);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("NUL", warnings[0]);
    }

    [Fact]
    public void Truncates_long_text_and_hashes_the_full_text()
    {
        var big = "SELECT '" + new string('x', 1_048_576) + "'";
        var bigger = "SELECT '" + new string('y', 1_048_576) + "' , 1";
        var e = Create(big);
        Assert.True(e.QueryTruncated);
        Assert.Equal(QueryLogRules.MaxQueryTextLength, e.QueryText.Length);
        Assert.Equal(QueryFingerprint.HashOf("SELECT 'z'"), e.QueryHash);
        Assert.NotEqual(e.QueryHash, Create(bigger).QueryHash);
        Assert.False(Create("SELECT 1").QueryTruncated);
    }

    [Fact]
    public void Rounds_time_to_microseconds_in_UTC()
    {
        var at = new DateTimeOffset(2025, 10, 30, 12, 30, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var e = QueryLogRules.Create("q", 1, at, null, null, null, ParameterMode.Keep, false, new List<string>());
        Assert.Equal(TimeSpan.Zero, e.LoggedAt.Offset);
        Assert.Equal(at.UtcTicks - 7, e.LoggedAt.UtcTicks);
        Assert.NotEqual(Guid.Empty, e.RecordId);
    }

    [Fact]
    public void Parameter_modes_keep_redact_and_drop()
    {
        const string json = "{\"status\":\"pending_review\",\"n\":3,\"ok\":true,\"none\":null,\"tags\":[\"a\",1],\"nested\":{\"x\":\"y\"}}";
        Assert.Equal(json, Create(parameters: json).Parameters);
        Assert.Equal("{\"status\":\"***\",\"n\":0,\"ok\":false,\"none\":null,\"tags\":[\"***\",0],\"nested\":{\"x\":\"***\"}}",
            Create(parameters: json, mode: ParameterMode.Redact).Parameters);
        Assert.Null(Create(parameters: json, mode: ParameterMode.Drop).Parameters);
    }

    [Fact]
    public void Rejects_parameters_that_are_not_JSON()
    {
        var ex = Assert.Throws<PgPerfException>(() => Create(parameters: "{status: pending"));
        Assert.Equal("PgPerf.Query.InvalidParameters", ex.ErrorId);
        Assert.Equal("Parameters", ex.ParameterName);
    }
}
