using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// SQL lives in sql/ (report queries in sql/queries/*.sql, schema in migrations), never in C# strings: this parses
/// every C# file under src/ and fails on a string literal (with any literals it is concatenated with) that has the
/// shape of a SQL statement, unless the allow-list below names it with the reason it stays.
/// </summary>
public sealed class SqlLiteralScanTests
{
    // Keywords that start a statement, each followed by the shape that makes it a statement rather than prose.
    // Upper case only: PgPerf writes SQL keywords in upper case, and prose ("select a table") stays out.
    private static readonly Regex SqlShape = new(
        @"\bSELECT\s+(\*|DISTINCT\b|[\w""(@{$'-]).*?\bFROM\b" +
        @"|\bSELECT\s+[\w.{}""]+\s*\(" +
        @"|\bINSERT\s+INTO\b" +
        @"|\bUPDATE\s+[\w.""{}]+\s+(\w+\s+)?SET\b" +
        @"|\bDELETE\s+FROM\b" +
        @"|\b(CREATE|ALTER|DROP)\s+(OR\s+REPLACE\s+|UNIQUE\s+|TEMP\s+|TEMPORARY\s+|UNLOGGED\s+)*(TABLE|INDEX|FUNCTION|PROCEDURE|SCHEMA|VIEW|EXTENSION|ROLE|TRIGGER|SEQUENCE|TYPE|DEFAULT|CONSTRAINT)\b" +
        @"|\bTRUNCATE\s+(TABLE\s+)?[\w""{]" +
        @"|\bCOPY\s+[\w.""{}]+.*\b(FROM|TO)\s+(STDIN|STDOUT)\b" +
        @"|\bWITH\s+(RECURSIVE\s+)?\w+\s+AS\s*\(" +
        @"|\bSET\s+(LOCAL\s+|SESSION\s+)?\w+\s*(=|\bTO\b)" +
        @"|\bRESET\s+\w+" +
        @"|\bVACUUM\s+(\(|(FULL\s+|ANALYZE\s+|VERBOSE\s+)*[\w""{]+\.)" +
        @"|\bANALYZE\s+[\w""{]+\." +
        @"|\b(GRANT|REVOKE)\s+[\w, ]+\s+(ON|TO|FROM)\b" +
        @"|\bLOCK\s+TABLE\b|\bREINDEX\s+(\(|(INDEX|TABLE|SCHEMA|DATABASE|SYSTEM)\s+(CONCURRENTLY\s+)?[\w""{])|\bCALL\s+[\w.]+\s*\(|\bDO\s+\$\$|\b(LISTEN|NOTIFY)\s+\w+",
        RegexOptions.Singleline | RegexOptions.CultureInvariant);

    /// <summary>Literals that stay, by file (under src/) and a piece of their text, each with the reason.</summary>
    private static readonly (string File, string Text, string Reason)[] Allowed =
    {
        // Statements shown to the user before they run (-WhatIf, the result's Sql property), built around
        // identifiers quoted by PgIdentifier; keeping them next to the plan that shows them keeps shown and run alike.
        ("PgPerf.Core/Bloat/IBloatService.cs", "VACUUM (", "Invoke-PgVacuum's statement: shown in -WhatIf and the result's Sql, then run"),
        ("PgPerf.Engine/Index/IndexService.cs", "SET lock_timeout = '", "Remove-PgIndex's plan text (Sql) shown to the user; the run binds the timeout through lock_timeout_session.sql"),
        ("PgPerf/Commands/Index/InvokePgIndexSnapshotCommand.cs", "SELECT pgperf.capture_index_usage_snapshot()", "-WhatIf's description of the action; nothing runs it"),
        ("PgPerf/Commands/Statements/InvokePgStatementSnapshotCommand.cs", "SELECT pgperf.capture_statement_snapshot()", "-WhatIf's description of the action; nothing runs it"),
        ("PgPerf/Commands/Health/StopPgSessionCommand.cs", "SELECT {function}({pid})", "-WhatIf's description of the action; nothing runs it"),
        ("PgPerf/Commands/Bloat/InvokePgBloatSnapshotCommand.cs", "SELECT pgperf.capture_table_bloat_snapshot()", "-WhatIf's description of the action; nothing runs it"),

        // Advice in error and warning messages: statements for the DBA to run by hand.
        ("PgPerf.Engine/Bloat/BloatService.cs", "CREATE EXTENSION pgstattuple", "error advice: how to install pgstattuple"),
        ("PgPerf.Engine/Bloat/BloatService.cs", "GRANT pg_stat_scan_tables TO", "error advice: how to grant pgstattuple's rights"),
        ("PgPerf.Engine/Index/IndexService.cs", "ALTER TABLE ... DROP CONSTRAINT", "error advice: drop the constraint instead"),
        ("PgPerf.Engine/Statements/StatementService.cs", "run ALTER EXTENSION", "error advice: update pg_stat_statements"),
        ("PgPerf.Engine/Health/HealthService.cs", "GRANT pg_signal_backend", "error advice: the role that may stop sessions"),
        ("PgPerf.Core/Operations/PgRetention.cs", "VACUUM (ANALYZE) {Table}", "retention's warning: the VACUUM to run in a quiet hour"),
        ("PgPerf.Engine/Repository/RepositoryService.cs", "pg_stat_statements cannot be read on", "error advice: how to enable pg_stat_statements on a monitored server"),
        ("PgPerf.Engine/Repository/RepositoryService.cs", "the extension is not created in database", "error advice: CREATE EXTENSION on a monitored server"),
        ("PgPerf/Commands/Repository/AddPgPerfServerCommand.cs", "cannot read other sessions' statistics", "error advice: the GRANT pg_monitor to run"),
        ("PgPerf/Commands/Repository/AddPgPerfServerCommand.cs", "the pg_stat_statements extension is not created in this database", "warning advice: CREATE EXTENSION on a monitored server"),
    };

    [Fact]
    public void No_SQL_statement_in_a_CSharp_string_under_src_unless_the_allow_list_names_it()
    {
        var src = Path.Combine(RepoRoot(), "src");
        var found = StatementLiterals(src).ToList();
        Assert.NotEmpty(found); // the scan sees the allowed ones: it read the sources and the pattern matches

        var unexplained = found.Where(f => !Allowed.Any(a => a.File == f.File && f.Text.Contains(a.Text, StringComparison.Ordinal))).ToList();
        Assert.True(unexplained.Count == 0,
            "SQL in C# strings (move it to sql/queries/*.sql and load it with SqlResources.Get; identifiers through SqlResources.WithNames):\n" +
            string.Join("\n", unexplained.Select(f => $"  src/{f.File}:{f.Line}: {Shorten(f.Text)}")));

        // An entry that no longer matches anything was fixed: take it out so the list stays the truth.
        var stale = Allowed.Where(a => !found.Any(f => a.File == f.File && f.Text.Contains(a.Text, StringComparison.Ordinal))).ToList();
        Assert.True(stale.Count == 0, "Allow-list entries that match no literal any more:\n" +
            string.Join("\n", stale.Select(a => $"  {a.File}: {a.Text}")));
    }

    [Theory]
    [InlineData("SELECT hour FROM pgperf.query_log_rollup_pending", true)]
    [InlineData("SELECT pgperf.ensure_query_log_partitions(@days)", true)]
    [InlineData("DELETE FROM pgperf.query_log_daily WHERE day = ANY (@d)", true)]
    [InlineData("COPY pgperf.query_log_hourly (hour) FROM STDIN (FORMAT BINARY)", true)]
    [InlineData("SET LOCAL lock_timeout = '10s'", true)]
    [InlineData("WITH taken AS (DELETE FROM x RETURNING hour) INSERT INTO y SELECT hour FROM taken", true)]
    [InlineData("Select a table with -Table.", false)]
    [InlineData("Get-PgTableBloat lists the tables; -Method Exact reads every page.", false)]
    [InlineData("queries/rollup_take_marks.sql", false)]
    [InlineData("index x: a REINDEX would give back 5 MB (REINDEX or DROP running?)", false)]
    public void The_pattern_tells_statements_from_prose(string text, bool isStatement) =>
        Assert.Equal(isStatement, SqlShape.IsMatch(text));

    private static IEnumerable<(string File, int Line, string Text)> StatementLiterals(string src)
    {
        foreach (var path in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, path).Replace('\\', '/');
            if (relative.Split('/').Any(part => part is "bin" or "obj")) continue;
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot();
            foreach (var node in root.DescendantNodes().Where(IsStringExpression))
            {
                // A chain of + is read whole, once, from its top.
                if (node.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression }) continue;
                var text = TextOf(node);
                if (SqlShape.IsMatch(text))
                    yield return (relative, node.GetLocation().GetLineSpan().StartLinePosition.Line + 1, text);
            }
        }
    }

    private static bool IsStringExpression(SyntaxNode node) => node switch
    {
        LiteralExpressionSyntax l => l.IsKind(SyntaxKind.StringLiteralExpression),
        InterpolatedStringExpressionSyntax => true,
        BinaryExpressionSyntax b => b.IsKind(SyntaxKind.AddExpression) && (IsStringExpression(b.Left) || IsStringExpression(b.Right)),
        _ => false,
    };

    // The text a string expression contributes: literal text as written, each interpolation or other operand as {…}.
    private static string TextOf(SyntaxNode node)
    {
        switch (node)
        {
            case LiteralExpressionSyntax l when l.IsKind(SyntaxKind.StringLiteralExpression):
                return l.Token.ValueText;
            case InterpolatedStringExpressionSyntax s:
                var text = new StringBuilder();
                foreach (var part in s.Contents)
                    text.Append(part is InterpolatedStringTextSyntax t ? t.TextToken.ValueText : "{" + ((InterpolationSyntax)part).Expression + "}");
                return text.ToString();
            case BinaryExpressionSyntax b when b.IsKind(SyntaxKind.AddExpression):
                return TextOf(b.Left) + TextOf(b.Right);
            default:
                return "{" + node + "}";
        }
    }

    private static string Shorten(string text)
    {
        var line = Regex.Replace(text, @"\s+", " ").Trim();
        return line.Length > 120 ? line[..117] + "..." : line;
    }

    private static string RepoRoot()
    {
        if (Environment.GetEnvironmentVariable("PGPERF_REPO_ROOT") is { Length: > 0 } fromBuild)
            return fromBuild;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "src")) && Directory.Exists(Path.Combine(dir.FullName, "sql")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No repository root (with src/ and sql/) above {AppContext.BaseDirectory}.");
    }
}
