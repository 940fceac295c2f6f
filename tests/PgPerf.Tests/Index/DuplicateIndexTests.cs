using Xunit;

namespace PgPerf.Tests.Index;

/// <summary>
/// Get-PgDuplicateIndex on real indexes: the cases where a peer comparison (issue 13) found PgPerf wrong, and
/// every proposed drop carried out for real (a proposal PostgreSQL refuses is a wrong proposal).
/// </summary>
public class DuplicateIndexTests
{
    private static (TestDatabase Db, IIndexService Service) NewDatabase()
    {
        var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        return (db, engine.Get<IIndexService>(db.Info));
    }

    private static string[] Pairs(IIndexService service, string table) =>
        service.GetDuplicates(default).Where(r => r.Table == table)
            .Select(r => $"{r.Index}>{r.CoveredBy}:{r.Kind}").OrderBy(s => s, StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_deferrable_unique_constraint_does_not_cover_an_immediate_unique_index()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE d(id int, v int, w int, CONSTRAINT d_v_deferred UNIQUE (v) DEFERRABLE INITIALLY DEFERRED,
                                                CONSTRAINT d_w_deferrable UNIQUE (w) DEFERRABLE);
            CREATE UNIQUE INDEX d_v_plain ON d(v);     -- checked at once: a foreign key may need it
            CREATE UNIQUE INDEX d_w_plain ON d(w);
            CREATE INDEX d_v ON d(v);                  -- a plain index: any index on v serves its searches
            """);
        Assert.Equal(new[] { "d_v>d_v_deferred:Exact" }, Pairs(service, "d"));
    }

    [Fact]
    public void On_a_partitioned_table_only_the_parent_pair_is_reported_and_every_proposed_drop_succeeds()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE pt(a int, b int) PARTITION BY RANGE (a);
            CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (100);
            CREATE TABLE pt2 PARTITION OF pt FOR VALUES FROM (100) TO (200) PARTITION BY RANGE (a);
            CREATE TABLE pt2a PARTITION OF pt2 FOR VALUES FROM (100) TO (200);
            CREATE INDEX pt_a ON pt(a);
            CREATE INDEX pt_a_b ON pt(a, b);
            CREATE INDEX pt_b1 ON pt(b);
            CREATE INDEX pt_b2 ON pt(b);
            CREATE INDEX pt1_b_own ON pt1(b);          -- the partition's own index, attached to nothing
            INSERT INTO pt SELECT g % 200, g FROM generate_series(1, 2000) g;
            """);
        var rows = service.GetDuplicates(default);
        Assert.Equal(new[] { "pt/pt_a>pt_a_b:LeftPrefix", "pt/pt_b2>pt_b1:Exact", "pt1/pt1_b_own>pt1_b_idx:Exact" },
            rows.Select(r => $"{r.Table}/{r.Index}>{r.CoveredBy}:{r.Kind}").OrderBy(s => s, StringComparer.Ordinal).ToArray());
        // A partitioned index has no storage of its own: its size is its partitions' indexes.
        Assert.True(rows.Single(r => r.Index == "pt_b2").SizeBytes >= 2 * 8192);

        PgIndexDropPlan? parentPlan = null;
        foreach (var row in rows)
        {
            var plan = service.PlanDrop(row.Schema, row.Index, 5, default);
            service.Drop(plan, default);
            Assert.Equal(0, db.Scalar<int>($"SELECT count(*) FROM pg_class WHERE relname = '{row.Index}'"));
            if (row.Index == "pt_b2")
                parentPlan = plan;
        }
        Assert.NotNull(parentPlan);
        Assert.Equal("DROP INDEX public.pt_b2", parentPlan.DropSql);
        Assert.Equal("CREATE INDEX pt_b2 ON public.pt USING btree (b);", parentPlan.RollbackDdl);
        // The way back builds the index on every partition (pt, pt1, pt2 and pt2a), valid. (Run before pt1_b_own
        // is dropped, it would adopt that index as pt1's part: PostgreSQL attaches an equal existing index.)
        db.Execute(parentPlan.RollbackDdl);
        Assert.Equal("true|4", db.Scalar<string>(
            "SELECT i.indisvalid || '|' || (SELECT count(*) FROM pg_partition_tree('pt_b2')) FROM pg_index i WHERE i.indexrelid = 'pt_b2'::regclass"));
        Assert.Equal("pt_b2", Assert.Single(service.GetDuplicates(default)).Index);

        // A partition's attached index is refused with a clear error, never handed to a DROP that fails.
        var attached = db.Scalar<string>("SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'pt_b1'::regclass AND c.relname LIKE 'pt1%'");
        var refused = Assert.Throws<PgPerfException>(() => service.PlanDrop("public", attached, 5, default));
        Assert.Equal("PgPerf.Index.AttachedToParent", refused.ErrorId);
        Assert.Contains("public.pt_b1", refused.Message);
    }

    [Fact]
    public void Coverings_by_include_columns_longer_keys_expressions_and_equal_predicates_are_found()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE cov(a int, b int, c int, d text, e int, f int, g int);
            CREATE INDEX cov_a ON cov(a);                       -- covered by (a) INCLUDE (b)
            CREATE INDEX cov_a_inc_b ON cov(a) INCLUDE (b);
            CREATE INDEX cov_f ON cov(f);                       -- covered by (f, g)
            CREATE INDEX cov_f_g ON cov(f, g);
            CREATE INDEX cov_e_inc_c ON cov(e) INCLUDE (c);     -- covered by (e, c)
            CREATE INDEX cov_e_c ON cov(e, c);
            CREATE INDEX cov_g_inc_a ON cov(g) INCLUDE (a);     -- not covered: a is not in (g, b)
            CREATE INDEX cov_g_b ON cov(g, b);
            CREATE INDEX cov_lower ON cov(lower(d));            -- covered by (lower(d), a)
            CREATE INDEX cov_lower_a ON cov(lower(d), a);
            CREATE INDEX cov_upper ON cov(upper(d));            -- not covered: another expression
            CREATE INDEX cov_upper_a ON cov(lower(d), upper(d));
            CREATE INDEX cov_p1 ON cov(b) WHERE c > 0;
            CREATE INDEX cov_p2 ON cov(b) WHERE 0 < c;          -- the same predicate, turned round
            CREATE INDEX cov_p3 ON cov(b) WHERE 0 <= c;         -- another predicate
            CREATE INDEX cov_p4 ON cov(b) WHERE c > '1';        -- (c > 1) when stored
            CREATE INDEX cov_p5 ON cov(b) WHERE 1 < c;
            """);
        Assert.Equal(new[]
        {
            "cov_a>cov_a_inc_b:LeftPrefix",
            "cov_e_inc_c>cov_e_c:LeftPrefix",
            "cov_f>cov_f_g:LeftPrefix",
            "cov_lower>cov_lower_a:LeftPrefix",
            "cov_p2>cov_p1:Exact",
            "cov_p5>cov_p4:Exact",
        }, Pairs(service, "cov"));
    }

    [Fact]
    public void Include_columns_in_another_order_propose_one_index_of_the_two()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE inc(a int, b int, c int);
            CREATE INDEX inc_1 ON inc(a) INCLUDE (b, c);
            CREATE INDEX inc_2 ON inc(a) INCLUDE (c, b);
            CREATE INDEX inc_3 ON inc(a);
            """);
        Assert.Equal(new[] { "inc_2>inc_1:LeftPrefix", "inc_3>inc_1:LeftPrefix" }, Pairs(service, "inc"));
    }

    [Fact]
    public void Brin_indexes_with_another_pages_per_range_are_not_exact_duplicates()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE br(a int, b int);
            CREATE INDEX br_default ON br USING brin (a);
            CREATE INDEX br_16 ON br USING brin (a) WITH (pages_per_range = 16);
            CREATE INDEX br_16_again ON br USING brin (a) WITH (pages_per_range = 16);
            CREATE INDEX br_b_ff ON br (b) WITH (fillfactor = 70);
            CREATE INDEX br_b ON br (b);                   -- btree: the fill factor changes no search
            """);
        Assert.Equal(new[] { "br_16_again>br_16:Exact", "br_b>br_b_ff:Exact" }, Pairs(service, "br"));
    }
}
