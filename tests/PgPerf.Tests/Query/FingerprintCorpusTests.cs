using System.Text.Json;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>
/// The QueryHash golden corpus (issue 13, item 6): pairs of statements from public peers' test data (libpg_query,
/// pg_query, PostgreSQL 18's pg_stat_statements), each with the peer's verdict and PgPerf's. PgPerf must give its
/// recorded verdict, and every verdict that differs from the peer's must say why (the reasons are in docs/fingerprint.md).
/// </summary>
public class FingerprintCorpusTests
{
    public sealed record Case(string Source, string A, string B, string Peer, string Pgperf, string? Why)
    {
        public override string ToString() => $"{Source}: {A} | {B}";
    }

    private static readonly Case[] Cases = Load();

    private static Case[] Load()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Query", "FingerprintCorpus.json"));
        using var json = JsonDocument.Parse(file);
        return json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("source").GetString()!, c.GetProperty("a").GetString()!, c.GetProperty("b").GetString()!,
            c.GetProperty("peer").GetString()!, c.GetProperty("pgperf").GetString()!,
            c.TryGetProperty("why", out var why) ? why.GetString() : null)).ToArray();
    }

    public static TheoryData<Case> All()
    {
        var data = new TheoryData<Case>();
        foreach (var c in Cases) data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void PgPerf_gives_its_recorded_verdict(Case c)
    {
        var same = QueryFingerprint.HashOf(c.A) == QueryFingerprint.HashOf(c.B);
        Assert.True(same == (c.Pgperf == "same"),
            $"expected {c.Pgperf} (peer: {c.Peer}); normalized: [{QueryFingerprint.Normalize(c.A)}] vs [{QueryFingerprint.Normalize(c.B)}]");
    }

    [Fact]
    public void Every_case_names_its_source_and_every_difference_says_why()
    {
        Assert.True(Cases.Length >= 100, $"the corpus has {Cases.Length} cases");
        Assert.All(Cases, c =>
        {
            Assert.Matches(@"^[\w.-]+/[\w.-]+ \S+ ", c.Source);
            Assert.Contains(c.Peer, new[] { "same", "different" });
            Assert.Contains(c.Pgperf, new[] { "same", "different" });
            if (c.Peer != c.Pgperf) Assert.False(string.IsNullOrWhiteSpace(c.Why), $"no reason for {c}");
        });
    }
}
