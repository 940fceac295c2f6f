using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>The shortcuts taken for ingest speed (hash caches, buffered record ids) must not change any result.</summary>
public sealed class QueryIngestSpeedTests
{
    [Fact]
    public void The_hash_is_the_same_from_the_cache_after_the_cache_empties_and_from_Compute()
    {
        const string text = "SELECT * FROM Conversations WHERE id = 42 AND state IN ('a', 'b')";
        var first = QueryFingerprint.HashOf(text);
        var (normalized, computed) = QueryFingerprint.Compute(text);
        Assert.Equal("select * from conversations where id = ? and state in (?)", normalized);
        Assert.Equal(first, computed);
        Assert.Equal(first, QueryFingerprint.HashOf(text));
        // A text that differs only in literals shares the normalized form, so the hash.
        Assert.Equal(first, QueryFingerprint.HashOf("select *  from conversations where ID = 7 and state in ('c')"));
        // More distinct texts than the caches hold: they empty and fill again; hashes do not change.
        var before = Enumerable.Range(0, 10_000).Select(i => QueryFingerprint.HashOf($"SELECT c{i} FROM t WHERE x = {i}")).ToList();
        var after = Enumerable.Range(0, 10_000).Select(i => QueryFingerprint.HashOf($"SELECT c{i} FROM t WHERE x = {i + 1}")).ToList();
        Assert.Equal(before, after);
        Assert.Equal(10_000, before.Distinct().Count());
        Assert.Equal(first, QueryFingerprint.HashOf(text));
    }

    [Fact]
    public void Hashes_computed_on_many_threads_at_once_match_the_single_threaded_ones()
    {
        var texts = Enumerable.Range(0, 20_000).Select(i => $"UPDATE T{i % 500} SET a = {i}, b = 'x' WHERE id IN ({i}, {i + 1}) -- c").ToArray();
        var expected = texts.Select(t => QueryFingerprint.Compute(t).Hash).ToArray();
        var actual = new string[texts.Length];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = QueryFingerprint.HashOf(texts[i]));
        Assert.Equal(expected, actual);
        Assert.Equal(500, actual.Distinct().Count());
    }

    [Fact]
    public void Record_ids_are_random_version_4_uuids_and_unique_across_threads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 25_000; i++)
                ids.Add(QueryLogRules.Create("ids.check", 1, null, null, null, null, ParameterMode.Keep, false, new List<string>()).RecordId);
        });
        Assert.Equal(100_000, ids.Distinct().Count());
        foreach (var id in ids.Take(1_000))
        {
            var text = id.ToString("D");
            Assert.Equal('4', text[14]);                       // version
            Assert.Contains(text[19], "89ab");                 // RFC variant
        }
        Assert.DoesNotContain(Guid.Empty, ids);
    }
}
