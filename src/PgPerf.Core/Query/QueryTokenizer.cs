namespace PgPerf;

using Kind = QueryTokenKind;
using Token = QueryToken;

internal enum QueryTokenKind { Word, Ident, Const, Op, Punct, Cast }

internal readonly record struct QueryToken(QueryTokenKind Kind, string Text, bool WasString = false);

/// <summary>
/// The first half of QueryFingerprint's normalization: SQL text into tokens. Comments and whitespace go, every
/// literal (strings, numbers, dollar quotes, parameters) becomes one ? token, unquoted words are lower-cased, and the
/// code of DO blocks and function bodies is normalized in place. QueryRewriter folds the tokens.
/// </summary>
internal static class QueryTokenizer
{
    // One string per ASCII character, for one-character tokens.
    private static readonly string[] AsciiText = Enumerable.Range(0, 128).Select(c => ((char)c).ToString()).ToArray();

    private static string CharText(char c) => c < 128 ? AsciiText[c] : c.ToString();

    // Common words by (length, first letter): a word written in any case maps to the one lower-case string.
    // In a class of its own so it is built after Keywords and TypedLiteralTypes (static fields start in text order).
    private static class Common
    {
        public static readonly Dictionary<int, string[]> Words = Keywords.Concat(TypedLiteralTypes).Concat(new[]
        {
            "null", "true", "false", "count", "cast", "id", "left", "right", "inner", "outer", "full", "cross", "natural", "nulls",
            "last", "for", "of", "share", "nowait", "skip", "locked", "do", "nothing", "conflict", "lower", "upper", "now",
            "coalesce", "sum", "min", "max", "avg", "name", "status", "created_at", "updated_at", "user_id", "public",
        })
        .Distinct(StringComparer.Ordinal)
        .GroupBy(w => WordKey(w.Length, w[0]))
        .ToDictionary(g => g.Key, g => g.ToArray());
    }

    private static int WordKey(int length, char first) => (length << 8) | (first | 0x20);

    internal static string LowerWord(string s, int start, int length)
    {
        var word = s.AsSpan(start, length);
        if (word[0] < 128 && Common.Words.TryGetValue(WordKey(length, word[0]), out var candidates))
            foreach (var candidate in candidates)
                if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
                    return candidate;
        return string.Create(length, (s, start), static (target, state) => state.s.AsSpan(state.start, target.Length).ToLowerInvariant(target));
    }

    private const string OpChars = "+-*/<>=~!@#%^&|`?";
    private static readonly char[] SpecialOpChars = "~!@#%^&|`?".ToCharArray();

    internal static List<Token> Tokenize(string s) => Tokenize(s, new List<Token>());

    internal static List<Token> Tokenize(string s, List<Token> tokens)
    {
        var i = 0;
        var statementStart = 0; // index in tokens of the current statement's first token
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && At(s, i + 1) == '-')
            {
                while (i < s.Length && s[i] != '\n') i++;
                continue;
            }
            if (c == '/' && At(s, i + 1) == '*')
            {
                var depth = 0;
                while (i < s.Length)
                {
                    if (s[i] == '/' && At(s, i + 1) == '*') { depth++; i += 2; }
                    else if (s[i] == '*' && At(s, i + 1) == '/') { depth--; i += 2; if (depth == 0) break; }
                    else i++;
                }
                continue;
            }
            if (c == '\'')
            {
                var start = i;
                i = SkipQuoted(s, i, backslash: false);
                tokens.Add(IsCodeBody(tokens, statementStart)
                    ? CodeBody(s[(start + 1)..Math.Max(start + 1, i - 1)].Replace("''", "'"))
                    : new Token(Kind.Const, "?", WasString: true));
                continue;
            }
            if (c is 'e' or 'E' or 'b' or 'B' or 'x' or 'X' or 'n' or 'N' && At(s, i + 1) == '\'' && !PrevIsWordChar(s, i))
            {
                i = SkipQuoted(s, i + 1, backslash: c is 'e' or 'E');
                tokens.Add(new Token(Kind.Const, "?", WasString: true));
                continue;
            }
            if (c is 'u' or 'U' && At(s, i + 1) == '&' && At(s, i + 2) == '\'' && !PrevIsWordChar(s, i))
            {
                i = SkipQuoted(s, i + 2, backslash: false);
                tokens.Add(new Token(Kind.Const, "?", WasString: true));
                continue;
            }
            if (c == '$')
            {
                if (char.IsAsciiDigit(At(s, i + 1)))
                {
                    // A parameter ($1) is a literal: prepared-statement SQL, literal SQL and pg_stat_statements'
                    // normalized text meet on one hash. It may stand for a string, so it completes a typed
                    // literal (interval $1) like a quoted one.
                    i++;
                    while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                    tokens.Add(new Token(Kind.Const, "?", WasString: true));
                    continue;
                }
                var tagEnd = i + 1;
                while (tagEnd < s.Length && (char.IsLetterOrDigit(s[tagEnd]) || s[tagEnd] == '_')) tagEnd++;
                if (tagEnd < s.Length && s[tagEnd] == '$' && !(tagEnd > i + 1 && char.IsAsciiDigit(s[i + 1])))
                {
                    var tag = s[i..(tagEnd + 1)];
                    var close = s.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                    var bodyEnd = close < 0 ? s.Length : close;
                    i = close < 0 ? s.Length : close + tag.Length;
                    tokens.Add(IsCodeBody(tokens, statementStart)
                        ? CodeBody(s[(tagEnd + 1)..bodyEnd])
                        : new Token(Kind.Const, "?", WasString: true));
                    continue;
                }
            }
            if (c == '"')
            {
                var start = i;
                i = SkipQuoted(s, i, backslash: false, quote: '"');
                // "a" is the name a: PostgreSQL folds unquoted names to lower case. "A", "my table" and "user" (a
                // reserved word, another thing unquoted) stay quoted.
                var name = IsPlainName(s, start + 1, i - 1) ? LowerWord(s, start + 1, i - 1 - (start + 1)) : null;
                tokens.Add(name is not null && !QuotedOnly.Words.Contains(name) ? new Token(Kind.Word, name) : new Token(Kind.Ident, s[start..i]));
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(s, i + 1))))
            {
                i = SkipNumber(s, i);
                tokens.Add(new Token(Kind.Const, "?"));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '$')) i++;
                tokens.Add(new Token(Kind.Word, LowerWord(s, start, i - start)));
                continue;
            }
            if (c == ':' && At(s, i + 1) == ':')
            {
                tokens.Add(new Token(Kind.Cast, "::"));
                i += 2;
                continue;
            }
            if (c == '?' && OpChars.IndexOf(At(s, i + 1)) < 0)
            {
                // A client-side placeholder (JDBC, ODBC): the same as a literal.
                tokens.Add(new Token(Kind.Const, "?"));
                i++;
                continue;
            }
            if (OpChars.Contains(c))
            {
                var start = i;
                while (i < s.Length && OpChars.Contains(s[i]) && !(s[i] == '-' && At(s, i + 1) == '-') && !(s[i] == '/' && At(s, i + 1) == '*')) i++;
                // PostgreSQL's rule: a multi-char operator cannot end in + or - unless it holds one of ~!@#%^&|`?
                if (i - start == 1)
                {
                    tokens.Add(new Token(Kind.Op, CharText(c)));
                    continue;
                }
                var op = s[start..i];
                if (op.IndexOfAny(SpecialOpChars) < 0)
                {
                    while (op.Length > 1 && op[^1] is '+' or '-') op = op[..^1];
                    i = start + op.Length;
                }
                tokens.Add(new Token(Kind.Op, op.Length == 1 ? CharText(op[0]) : op));
                continue;
            }
            tokens.Add(new Token(Kind.Punct, CharText(c)));
            i++;
            if (c == ';') statementStart = tokens.Count;
        }
        return tokens;
    }

    // True when a string starting now is the code of DO [LANGUAGE x] or of CREATE [OR REPLACE] FUNCTION|PROCEDURE ... AS.
    private static bool IsCodeBody(List<Token> tokens, int statementStart)
    {
        var n = tokens.Count;
        if (n <= statementStart || tokens[statementStart].Kind != Kind.Word) return false;
        var first = tokens[statementStart].Text;
        if (first == "do")
            return n == statementStart + 1 || (n == statementStart + 3 && tokens[statementStart + 1] is { Kind: Kind.Word, Text: "language" });
        if (first != "create" || tokens[^1] is not { Kind: Kind.Word, Text: "as" }) return false;
        var k = statementStart + 1;
        if (k + 1 < n && tokens[k] is { Kind: Kind.Word, Text: "or" } && tokens[k + 1] is { Kind: Kind.Word, Text: "replace" }) k += 2;
        return k < n && tokens[k] is { Kind: Kind.Word, Text: "function" or "procedure" };
    }

    // A body is code, not a value: it counts, normalized like the statement around it (literals folded, names lower-cased).
    private static Token CodeBody(string body)
    {
        var normalized = QueryRewriter.Render(QueryRewriter.Rewrite(Tokenize(body, new List<Token>()), new List<Token>()));
        return new Token(Kind.Ident, "$$" + normalized + "$$");
    }

    // s[start..end) is a lower-case name that means the same written without quotes.
    private static bool IsPlainName(string s, int start, int end)
    {
        if (end <= start || end > s.Length || !(char.IsAsciiLetterLower(s[start]) || s[start] == '_')) return false;
        for (var k = start + 1; k < end; k++)
            if (!(char.IsAsciiLetterLower(s[k]) || char.IsAsciiDigit(s[k]) || s[k] is '_' or '$')) return false;
        return true;
    }

    // Words that mean something else unquoted: PostgreSQL's reserved key words (also those that can be a function or
    // type name) and the words this normalizer reads (typed literal types, list and value words). In a class of its
    // own so it is built after Keywords and TypedLiteralTypes.
    private static class QuotedOnly
    {
        public static readonly HashSet<string> Words = new(new[]
        {
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check", "collate",
            "column", "constraint", "create", "current_catalog", "current_date", "current_role", "current_time", "current_timestamp",
            "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign",
            "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit", "localtime",
            "localtimestamp", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning",
            "select", "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union", "unique",
            "user", "using", "variadic", "when", "where", "window", "with",
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike", "inner", "is",
            "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample", "verbose",
            "values", "double", "character", "bit", "precision", "varying",
        }.Concat(Keywords).Concat(TypedLiteralTypes), StringComparer.Ordinal);
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool PrevIsWordChar(string s, int i) => i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] is '_' or '$');

    private static int SkipQuoted(string s, int i, bool backslash, char quote = '\'')
    {
        i++; // opening quote
        while (i < s.Length)
        {
            if (backslash && s[i] == '\\') { i += 2; continue; }
            if (s[i] == quote)
            {
                if (At(s, i + 1) == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return s.Length;
    }

    private static int SkipNumber(string s, int i)
    {
        if (s[i] == '0' && At(s, i + 1) is 'x' or 'X' or 'o' or 'O' or 'b' or 'B' && char.IsAsciiHexDigit(At(s, i + 2)))
        {
            i += 2;
            while (i < s.Length && (char.IsAsciiHexDigit(s[i]) || s[i] == '_')) i++;
            return i;
        }
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_')) i++;
        if (At(s, i) == '.' && At(s, i + 1) != '.')
        {
            i++;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_')) i++;
        }
        if (At(s, i) is 'e' or 'E' && (char.IsAsciiDigit(At(s, i + 1)) || (At(s, i + 1) is '+' or '-' && char.IsAsciiDigit(At(s, i + 2)))))
        {
            i += 2;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        return i;
    }

    // Words after which a following '-' is a sign, not subtraction.
    internal static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "select", "from", "where", "and", "or", "not", "in", "exists", "values", "join", "on", "as", "any", "all", "some",
        "between", "like", "ilike", "is", "case", "when", "then", "else", "end", "group", "order", "by", "having", "limit",
        "offset", "union", "intersect", "except", "insert", "into", "update", "set", "delete", "returning", "with", "using",
        "over", "partition", "filter", "within", "distinct", "create", "table", "index", "lateral", "return", "default",
        "fetch", "first", "next", "rows", "only", "desc", "asc",
    };

    internal static readonly HashSet<string> TypedLiteralTypes = new(StringComparer.Ordinal)
    {
        "date", "time", "timestamp", "timestamptz", "timetz", "interval", "numeric", "decimal", "int", "int2", "int4",
        "int8", "integer", "bigint", "smallint", "real", "float", "float4", "float8", "text", "varchar", "char",
        "boolean", "bool", "json", "jsonb", "uuid", "inet", "cidr", "bytea", "money", "point", "xml",
    };
}
