using Xunit;

namespace PgPerf.Tests.Query;

public class QueryFingerprintTests
{
    // Golden table: input -> exact normalized form.
    public static TheoryData<string, string> Golden => new()
    {
        { "SELECT * FROM conversations WHERE status = 'pending_review'", "select * from conversations where status = ?" },
        { "select *\n  from   conversations\twhere status='x'", "select * from conversations where status = ?" },
        { "SELECT id FROM t WHERE id = 42", "select id from t where id = ?" },
        { "SELECT id FROM t WHERE x = -1.5e10", "select id from t where x = ?" },
        { "SELECT a - 1 FROM t", "select a - ? from t" },
        { "SELECT * FROM t WHERE id IN (1, 2, 3)", "select * from t where id in (?)" },
        { "SELECT * FROM t WHERE id IN ('a','b')", "select * from t where id in (?)" },
        { "SELECT * FROM t WHERE id IN ($1, $2, $3)", "select * from t where id in (?)" },
        { "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k = 5)", "select * from t where id in (select id from u where k = ?)" },
        { "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, NULL)", "insert into t(a, b) values (?)" },
        { "SELECT * FROM t WHERE id = $1 AND name = $2", "select * from t where id = ? and name = ?" },
        { "SELECT * FROM t -- trailing comment\nWHERE a = 1", "select * from t where a = ?" },
        { "SELECT /* hint /* nested */ still */ a FROM t", "select a from t" },
        { "SELECT $$it's quoted$$, $tag$x$tag$ FROM t", "select ?, ? from t" },
        { "SELECT E'line\\'s\\n' FROM t", "select ? from t" },
        { "SELECT 'it''s' FROM t", "select ? from t" },
        { "SELECT * FROM t WHERE flag = TRUE AND other = false", "select * from t where flag = ? and other = ?" },
        { "SELECT * FROM t WHERE d > '2024-01-01'::date", "select * from t where d > ?" },
        { "SELECT * FROM t WHERE d > DATE '2024-01-01'", "select * from t where d > ?" },
        { "SELECT * FROM t WHERE d > now() - interval '1 day'", "select * from t where d > now() - ?" },
        { "SELECT CAST('5' AS integer) FROM t", "select ? from t" },
        { "SELECT 1::numeric(10,2)::text FROM t", "select ? from t" },
        { "SELECT '1.5'::double precision", "select ?" },
        { "SELECT * FROM t WHERE id = ANY(ARRAY[1,2,3])", "select * from t where id = any (array[?])" },
        { "SELECT \"MixedCase\".\"Col\" FROM \"MixedCase\"", "select \"MixedCase\".\"Col\" from \"MixedCase\"" },
        { "SELECT \"lower\".\"col\", \"user\" FROM \"lower\"", "select lower.col, \"user\" from lower" },
        { "SELECT count(*) FROM T WHERE A=1;", "select count(*) from t where a = ?" },
        { "SELECT * FROM t WHERE status = ?", "select * from t where status = ?" },
        { "UPDATE t SET a = 3, b = 'z' WHERE id = $1", "update t set a = ?, b = ? where id = ?" },
        { "SELECT x'1F', b'101' FROM t", "select ?, ? from t" },
        { "SELECT a FROM t LIMIT 10 OFFSET 20", "select a from t limit ? offset ?" },
        { "SELECT * FROM t WHERE a >= 1 AND b <> 2", "select * from t where a >= ? and b <> ?" },
        { "conversations.list", "conversations.list" },
        { "  /api/conversations:list  ", "/api/conversations:list" },
        { "COMMIT", "commit" },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void Normalizes_to_the_golden_form(string input, string expected) =>
        Assert.Equal(expected, QueryFingerprint.Normalize(input));

    // Pairs that must hash the same.
    public static TheoryData<string, string> SameHash => new()
    {
        { "SELECT * FROM t WHERE id IN (1,2,3)", "select * from t where id in (4)" },
        { "SELECT * FROM t WHERE name = 'alice'", "SELECT * FROM t WHERE name = 'bob'" },
        { "select * from t where x = 1", "SELECT *\nFROM t -- note\nWHERE x = 99" },
        { "INSERT INTO t (a) VALUES (1)", "INSERT INTO t (a) VALUES (1), (2), (3)" },
        { "SELECT * FROM t WHERE d > '2024-01-01'::date", "SELECT * FROM t WHERE d > '1999-12-31'" },
        { "SELECT * FROM t WHERE x = -5", "SELECT * FROM t WHERE x = 7" },
        { "SELECT * FROM t WHERE x = $$a$$", "SELECT * FROM t WHERE x = E'b'" },
        { "SELECT * FROM t WHERE status = ?", "SELECT * FROM t WHERE status = 'pending'" },
        { "SELECT * FROM t WHERE ok = true", "SELECT * FROM t WHERE ok = FALSE" },
    };

    [Theory]
    [MemberData(nameof(SameHash))]
    public void Executions_of_one_statement_hash_the_same(string a, string b) =>
        Assert.Equal(QueryFingerprint.HashOf(a), QueryFingerprint.HashOf(b));

    // Pairs that must not.
    public static TheoryData<string, string> DifferentHash => new()
    {
        { "SELECT * FROM users WHERE id = 1", "SELECT * FROM orders WHERE id = 1" },
        { "SELECT * FROM t WHERE a = 1", "SELECT * FROM t WHERE b = 1" },
        { "SELECT * FROM t WHERE a = 1", "SELECT * FROM t WHERE a > 1" },
        { "SELECT * FROM t WHERE a = 1", "SELECT * FROM t WHERE a <> 1" },
        { "SELECT a FROM t", "SELECT a, b FROM t" },
        { "SELECT * FROM \"T\"", "SELECT * FROM t" },
        { "SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a = 1" },
        { "conversations.list", "conversations.get" },
        { "Conversations.List", "conversations.list" },
        { "SELECT a - 1 FROM t", "SELECT a + 1 FROM t" },
        { "SELECT * FROM t WHERE id IN (1, 2)", "SELECT * FROM t WHERE id NOT IN (1, 2)" },
    };

    [Theory]
    [MemberData(nameof(DifferentHash))]
    public void Different_statements_hash_differently(string a, string b) =>
        Assert.NotEqual(QueryFingerprint.HashOf(a), QueryFingerprint.HashOf(b));

    // Issue 13, item 3: placeholders and literals are one thing everywhere, so an application that logs prepared-statement
    // SQL, one that logs literal SQL and pg_stat_statements' normalized text (which has $n) meet on one hash.
    public static TheoryData<string, string> PlaceholdersAndLiterals => new()
    {
        { "SELECT * FROM t WHERE id = $1", "SELECT * FROM t WHERE id = 5" },
        { "SELECT $1", "SELECT 1" },
        { "SELECT * FROM t WHERE id = $1", "SELECT * FROM t WHERE id = $2" },
        { "SELECT * FROM t WHERE id = ?", "SELECT * FROM t WHERE id = $1" },
        { "SELECT * FROM t WHERE a = $1 AND b = $2 ORDER BY c LIMIT $3 OFFSET $4", "select * from t where a = 'x' and b = 2.5 order by c limit 10 offset 20" },
        { "UPDATE t SET a = $1 WHERE id = $2 RETURNING a", "UPDATE t SET a = 'new' WHERE id = 7 RETURNING a" },
        { "SELECT * FROM t WHERE d > now() - $1::interval", "SELECT * FROM t WHERE d > now() - interval '1 day'" },
        { "SELECT * FROM t WHERE d > now() - interval $1", "SELECT * FROM t WHERE d > now() - interval '1 day'" },
        { "SELECT CAST($1 AS integer) FROM t", "SELECT CAST('5' AS integer) FROM t" },
        { "SELECT * FROM t WHERE id IN ($1)", "SELECT * FROM t WHERE id IN (1)" },
    };

    [Theory]
    [MemberData(nameof(PlaceholdersAndLiterals))]
    public void Placeholders_and_literals_hash_the_same(string withPlaceholders, string withLiterals)
    {
        Assert.Equal(QueryFingerprint.Normalize(withLiterals), QueryFingerprint.Normalize(withPlaceholders));
        Assert.Equal(QueryFingerprint.HashOf(withLiterals), QueryFingerprint.HashOf(withPlaceholders));
    }

    // Issue 13, item 1: lists of cast parameters fold like lists of cast literals, and a multi-row VALUES is one
    // statement whatever the batch size, also when its rows hold casts or expressions.
    public static TheoryData<string, string> ListsOfAnySize => new()
    {
        { "SELECT * FROM x WHERE y IN ($1::uuid)", "SELECT * FROM x WHERE y IN ($1::uuid, $2::uuid, $3::uuid)" },
        { "SELECT * FROM x WHERE y IN ('a'::uuid, 'b'::uuid)", "SELECT * FROM x WHERE y IN ($1::uuid, $2::uuid, $3::uuid)" },
        { "SELECT * FROM x WHERE y = ANY(ARRAY[$1::int])", "SELECT * FROM x WHERE y = ANY(ARRAY[$1::int, $2::int])" },
        { "INSERT INTO t (a, b) VALUES ($1::int, $2::text)", "INSERT INTO t (a, b) VALUES ($1::int, $2::text), ($3::int, $4::text)" },
        { "INSERT INTO t (a, b) VALUES ($1::int, $2::text), ($3::int, $4::text)", "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')" },
        { "INSERT INTO t (a, b) VALUES ($1, now())", "INSERT INTO t (a, b) VALUES ($1, now()), ($2, now()), ($3, now())" },
        { "INSERT INTO t VALUES (nextval($1), $2), (nextval($3), $4)", "INSERT INTO t VALUES (nextval('s'), 'x')" },
        { "INSERT INTO t (a) VALUES (ARRAY[1, 2]), (ARRAY[3])", "INSERT INTO t (a) VALUES (ARRAY[$1])" },
    };

    [Theory]
    [MemberData(nameof(ListsOfAnySize))]
    public void Lists_and_rows_of_any_size_hash_the_same(string a, string b) =>
        Assert.Equal(QueryFingerprint.Normalize(a), QueryFingerprint.Normalize(b));

    [Theory]
    [InlineData("INSERT INTO t (a, b) VALUES ($1, now()), ($2, 'x')", "INSERT INTO t (a, b) VALUES ($1, now())")]
    [InlineData("SELECT * FROM (VALUES (1, 2)) v (a, b), (SELECT 1, 2) w", "SELECT * FROM (VALUES (1, 2)) v (a, b)")]
    public void Rows_that_differ_are_kept(string a, string b) =>
        Assert.NotEqual(QueryFingerprint.HashOf(a), QueryFingerprint.HashOf(b));

    // Issue 13, item 4: a quoted name equal to the folded unquoted one is the same name.
    [Theory]
    [InlineData("SELECT \"a\" FROM \"t\"", "SELECT a FROM t")]
    [InlineData("SELECT \"t\".\"user_id\" FROM public.\"t\" WHERE \"t\".\"id\" = 1", "SELECT T.User_Id FROM PUBLIC.t WHERE t.id = 2")]
    [InlineData("SELECT \"col_2$\" FROM t", "SELECT col_2$ FROM t")]
    public void Quoted_name_equal_to_the_folded_one_is_the_same_name(string quoted, string plain) =>
        Assert.Equal(QueryFingerprint.HashOf(plain), QueryFingerprint.HashOf(quoted));

    [Theory]
    [InlineData("SELECT \"A\" FROM t", "SELECT a FROM t")]
    [InlineData("SELECT \"A\" FROM t", "SELECT A FROM t")]
    [InlineData("SELECT \"user\" FROM t", "SELECT user FROM t")]
    [InlineData("SELECT * FROM \"order\"", "SELECT * FROM \"Order\"")]
    [InlineData("SELECT \"my col\" FROM t", "SELECT my_col FROM t")]
    [InlineData("SELECT \"é\" FROM t", "SELECT \"É\" FROM t")]
    public void Quoted_name_that_differs_from_the_folded_one_is_another_name(string a, string b) =>
        Assert.NotEqual(QueryFingerprint.HashOf(a), QueryFingerprint.HashOf(b));

    // Issue 13, item 2: the body of DO and CREATE FUNCTION/PROCEDURE is code, not a literal: it counts, normalized.
    [Theory]
    [InlineData("DO $$BEGIN PERFORM pg_sleep(1); END$$", "DO $$BEGIN DELETE FROM t; END$$")]
    [InlineData("DO LANGUAGE plpgsql $$BEGIN PERFORM 1; END$$", "DO LANGUAGE plpgsql $$BEGIN PERFORM a; END$$")]
    [InlineData("DO 'BEGIN PERFORM 1; END'", "DO 'BEGIN PERFORM a; END'")]
    [InlineData("CREATE FUNCTION f() RETURNS int AS $$ SELECT a FROM t $$ LANGUAGE sql", "CREATE FUNCTION f() RETURNS int AS $$ SELECT b FROM t $$ LANGUAGE sql")]
    [InlineData("CREATE OR REPLACE FUNCTION f() RETURNS int AS $body$ SELECT a FROM t $body$ LANGUAGE sql", "CREATE OR REPLACE FUNCTION f() RETURNS int AS $body$ SELECT a FROM u $body$ LANGUAGE sql")]
    [InlineData("CREATE PROCEDURE p() LANGUAGE sql AS 'INSERT INTO t VALUES (1)'", "CREATE PROCEDURE p() LANGUAGE sql AS 'DELETE FROM t'")]
    [InlineData("SELECT 1; DO $$BEGIN PERFORM 1; END$$", "SELECT 1; DO $$BEGIN PERFORM a; END$$")]
    public void Code_bodies_count(string a, string b) =>
        Assert.NotEqual(QueryFingerprint.HashOf(a), QueryFingerprint.HashOf(b));

    [Theory]
    [InlineData("DO $$BEGIN PERFORM pg_sleep(1); END$$", "do $x$\n  begin\n    perform PG_SLEEP(2); -- wait\n  end $x$;")]
    [InlineData("CREATE FUNCTION f() RETURNS int AS $$ SELECT a FROM t WHERE b = 'x' $$ LANGUAGE sql", "CREATE FUNCTION f() RETURNS int AS 'SELECT a FROM t WHERE b = ''y''' LANGUAGE sql")]
    [InlineData("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING", "INSERT INTO t VALUES (2) ON CONFLICT DO NOTHING")]
    [InlineData("SELECT $$abc$$", "SELECT $q$def$q$")]
    public void Code_bodies_are_normalized_and_other_strings_stay_literals(string a, string b) =>
        Assert.Equal(QueryFingerprint.HashOf(a), QueryFingerprint.HashOf(b));

    // Issue 13, item 5: a one-element list and a longer one are one statement (as libpg_query and pg_query decide).
    // PostgreSQL 18's pg_stat_statements keeps a one-element list apart (IN ($1)) from a squashed one
    // (IN ($1 /*, ... */)), and before 18 keeps one entry per list length: all of them meet the application's text on
    // one QueryHash, so a join to pg_stat_statements sums several of its rows into one PgPerf statement.
    public static TheoryData<string, string> OneElementAndLongerLists => new()
    {
        { "SELECT * FROM t WHERE id IN (1)", "SELECT * FROM t WHERE id IN (1, 2, 3)" },
        { "SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (1)" },
        { "SELECT * FROM t WHERE id IN ($1)", "SELECT * FROM t WHERE id IN ($1 /*, ... */)" },
        { "SELECT * FROM t WHERE id IN ($1 /*, ... */)", "SELECT * FROM t WHERE id IN (4, 5)" },
        { "SELECT * FROM t WHERE id IN ($1, $2, $3, $4, $5)", "SELECT * FROM t WHERE id IN (7)" },
        { "SELECT ARRAY[$1]", "SELECT ARRAY[$1 /*, ... */]" },
        { "SELECT ARRAY[1, 2, 3]", "SELECT ARRAY[1]" },
        { "SELECT * FROM t WHERE id IN ($1 /*, ... */) AND data IN ($2 /*, ... */)", "SELECT * FROM t WHERE id IN (1) AND data IN (1, 2, 3, 4, 5, 6, 7, 8, 9)" },
    };

    [Theory]
    [MemberData(nameof(OneElementAndLongerLists))]
    public void One_element_and_longer_lists_are_one_statement(string a, string b) =>
        Assert.Equal(QueryFingerprint.HashOf(a), QueryFingerprint.HashOf(b));

    [Fact]
    public void Hash_is_short_stable_and_hex()
    {
        var hash = QueryFingerprint.HashOf("SELECT 1");
        Assert.Equal(QueryFingerprint.HashLength, hash.Length);
        Assert.Matches("^[0-9a-f]{16}$", hash);
        // Stable across runs and machines: SHA-256 of the normalized text "select ?".
        Assert.Equal("e1c71d1661ae46e0", QueryFingerprint.HashOf("select   42"));
    }

    [Fact]
    public void Unterminated_quotes_and_comments_do_not_throw()
    {
        Assert.Equal("select ?", QueryFingerprint.Normalize("SELECT 'unterminated"));
        Assert.Equal("select a from t", QueryFingerprint.Normalize("SELECT a FROM t /* open"));
        Assert.Equal("select ?", QueryFingerprint.Normalize("SELECT $x$never closed"));
    }
}
