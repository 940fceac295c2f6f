using System.Security.Cryptography;
using System.Text;

namespace PgPerf;

/// <summary>
/// Normalizes SQL text so that executions of the same statement with different literals group together,
/// and hashes it to a short stable id. Logical names (conversations.list) are hashed as they are.
/// </summary>
public static class QueryFingerprint
{
    /// <summary>Length of QueryHash in hex characters (64 bits of SHA-256).</summary>
    public const int HashLength = 16;

    /// <summary>
    /// Version of the normalization. Raise it whenever the hash of any text changes: the module then recomputes the
    /// stored hashes (pgperf.query_hash_version, migration 013; QueryHashUpgrade). 2: issue 13 (placeholders are
    /// literals, repeated VALUES rows fold, DO and function bodies count, "a" is a).
    /// </summary>
    public const int Version = 2;

    /// <summary>The normalized form and its hash.</summary>
    public static (string Normalized, string Hash) Compute(string text)
    {
        var normalized = Normalize(text);
        return (normalized, HashOf(text));
    }

    public static string HashOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Real applications repeat the same few hundred statements: the same text (parameters as $1) skips the
        // normalizer, and texts that differ only in literals share one normalized form and skip SHA-256.
        if (TextHashes.TryGet(text, out var hash))
            return hash;
        var normalized = Normalize(text);
        if (!NormalizedHashes.TryGet(normalized, out hash))
        {
            hash = Hash(normalized);
            NormalizedHashes.Add(normalized, hash);
        }
        TextHashes.Add(text, hash);
        return hash;
    }

    private static readonly BoundedCache TextHashes = new();
    private static readonly BoundedCache NormalizedHashes = new();

    /// <summary>A small text -> hash cache shared by all threads: short texts only, emptied when it fills up.</summary>
    private sealed class BoundedCache
    {
        private const int MaxEntries = 4_096;
        private const int MaxKeyLength = 2_048;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _map = new(StringComparer.Ordinal);
        private int _count;

        public bool TryGet(string key, out string value)
        {
            value = "";
            return key.Length <= MaxKeyLength && _map.TryGetValue(key, out value!);
        }

        public void Add(string key, string value)
        {
            if (key.Length > MaxKeyLength || !_map.TryAdd(key, value)) return;
            if (Interlocked.Increment(ref _count) > MaxEntries)
            {
                // Cheaper than tracking use: a workload with more distinct texts than this gains little from a cache.
                _map.Clear();
                Interlocked.Exchange(ref _count, 0);
            }
        }
    }

    /// <summary>
    /// Comments and whitespace folded, literals (numbers, strings, dollar quotes, E'' strings, booleans, typed
    /// literals, casts of literals, and parameters: $n, ?) replaced by ?, IN/VALUES/ARRAY lists of literals folded
    /// to one ?, unquoted words lower-cased. A logical name (one word, no spaces) is kept as is.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (IsLogicalName(trimmed))
            return trimmed;
        // Reused per thread: the normalizer runs once per logged record (Send-PgQueryLog), so it allocates only
        // the words it keeps and the result.
        var tokens = Tokenize(trimmed, TakeList(ref _tokenBuffer));
        var rewritten = Rewrite(tokens, TakeList(ref _rewriteBuffer));
        var result = Render(rewritten);
        if (_renderBuffer!.Capacity > 1 << 16) _renderBuffer = null; // do not keep a huge buffer for one huge query
        _tokenBuffer = tokens;
        _rewriteBuffer = rewritten;
        return result;
    }

    [ThreadStatic] private static List<Token>? _tokenBuffer;
    [ThreadStatic] private static List<Token>? _rewriteBuffer;
    [ThreadStatic] private static StringBuilder? _renderBuffer;

    private static List<Token> TakeList(ref List<Token>? cached)
    {
        var list = cached ?? new List<Token>(64);
        cached = null;
        list.Clear();
        return list;
    }

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

    private static string LowerWord(string s, int start, int length)
    {
        var word = s.AsSpan(start, length);
        if (word[0] < 128 && Common.Words.TryGetValue(WordKey(length, word[0]), out var candidates))
            foreach (var candidate in candidates)
                if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
                    return candidate;
        return string.Create(length, (s, start), static (target, state) => state.s.AsSpan(state.start, target.Length).ToLowerInvariant(target));
    }

    private static string Hash(string normalized)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(normalized), digest);
        return Convert.ToHexString(digest[..(HashLength / 2)]).ToLowerInvariant();
    }

    private static bool IsLogicalName(string text)
    {
        if (text.Length == 0 || !(char.IsLetter(text[0]) || text[0] is '_' or '/'))
            return false;
        foreach (var c in text)
            if (!(char.IsLetterOrDigit(c) || c is '_' or '.' or ':' or '/' or '-'))
                return false;
        // A lone SQL keyword such as COMMIT is still SQL.
        return text.Contains('.') || text.Contains('/') || text.Contains(':') || text.Contains('-');
    }

    internal enum Kind { Word, Ident, Const, Op, Punct, Cast }

    internal readonly record struct Token(Kind Kind, string Text, bool WasString = false);

    private const string OpChars = "+-*/<>=~!@#%^&|`?";
    private static readonly char[] SpecialOpChars = "~!@#%^&|`?".ToCharArray();

    internal static List<Token> Tokenize(string s) => Tokenize(s, new List<Token>());

    private static List<Token> Tokenize(string s, List<Token> tokens)
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
        var normalized = Render(Rewrite(Tokenize(body, new List<Token>()), new List<Token>()));
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
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "select", "from", "where", "and", "or", "not", "in", "exists", "values", "join", "on", "as", "any", "all", "some",
        "between", "like", "ilike", "is", "case", "when", "then", "else", "end", "group", "order", "by", "having", "limit",
        "offset", "union", "intersect", "except", "insert", "into", "update", "set", "delete", "returning", "with", "using",
        "over", "partition", "filter", "within", "distinct", "create", "table", "index", "lateral", "return", "default",
        "fetch", "first", "next", "rows", "only", "desc", "asc",
    };

    private static readonly HashSet<string> TypedLiteralTypes = new(StringComparer.Ordinal)
    {
        "date", "time", "timestamp", "timestamptz", "timetz", "interval", "numeric", "decimal", "int", "int2", "int4",
        "int8", "integer", "bigint", "smallint", "real", "float", "float4", "float8", "text", "varchar", "char",
        "boolean", "bool", "json", "jsonb", "uuid", "inet", "cidr", "bytea", "money", "point", "xml",
    };

    internal static List<Token> Rewrite(List<Token> input) => Rewrite(input, new List<Token>(input.Count));

    private static List<Token> Rewrite(List<Token> input, List<Token> o)
    {
        // The last row of the VALUES list being read (indexes of its parentheses in o).
        (int Start, int End) lastRow = (-1, -1);
        for (var i = 0; i < input.Count; i++)
        {
            var t = input[i];

            if (t.Kind == Kind.Word && t.Text is "true" or "false")
                t = new Token(Kind.Const, "?");

            // A sign in front of a number is part of the literal: x = -1 is x = 1.
            if (t.Kind == Kind.Const && o.Count > 0 && o[^1] is { Kind: Kind.Op, Text: "-" or "+" } && !t.WasString)
            {
                var before = o.Count > 1 ? o[^2] : (Token?)null;
                if (before is null || before.Value.Kind is Kind.Op or Kind.Cast
                    || (before.Value.Kind == Kind.Punct && before.Value.Text is "(" or "," or "[")
                    || (before.Value.Kind == Kind.Word && Keywords.Contains(before.Value.Text)))
                    o.RemoveAt(o.Count - 1);
            }

            // Typed literal: DATE '2024-01-01', INTERVAL '1 day'.
            if (t is { Kind: Kind.Const, WasString: true } && o.Count > 0 && o[^1].Kind == Kind.Word && TypedLiteralTypes.Contains(o[^1].Text)
                && !(o.Count > 1 && o[^2].Kind is Kind.Cast or Kind.Word && o[^2].Text is "::" or "as"))
                o.RemoveAt(o.Count - 1);

            if (t.Kind == Kind.Const)
            {
                o.Add(new Token(Kind.Const, "?"));
                // Casts of a literal: '1'::int, 1::numeric(10,2)[], chained.
                while (i + 1 < input.Count && input[i + 1].Kind == Kind.Cast)
                {
                    var end = SkipTypeName(input, i + 2);
                    if (end < 0) break;
                    i = end - 1;
                }
                continue;
            }

            o.Add(t);

            // CAST(? AS type) folds to ?.
            if (t is { Kind: Kind.Punct, Text: ")" })
                FoldCast(o);
            if (o[^1] is { Kind: Kind.Punct, Text: ")" or "]" } close)
            {
                var open = MatchingOpen(o, close.Text == ")" ? "(" : "[", close.Text);
                if (open < 1) continue;
                var valuesRow = close.Text == ")" && (o[open - 1] is { Kind: Kind.Word, Text: "values" }
                    || (o[open - 1] is { Kind: Kind.Punct, Text: "," } && lastRow.End >= 0 && open - 2 == lastRow.End && lastRow.End < o.Count));
                FoldList(o, open, valuesRow);
                if (valuesRow)
                    lastRow = KeepValuesRow(o, open, lastRow);
            }
        }
        while (o.Count > 0 && o[^1] is { Kind: Kind.Punct, Text: ";" })
            o.RemoveAt(o.Count - 1);
        return o;
    }

    // Returns the index after a type name starting at i, or -1.
    private static int SkipTypeName(List<Token> t, int i)
    {
        if (i >= t.Count || t[i].Kind is not (Kind.Word or Kind.Ident)) return -1;
        var first = t[i].Text;
        i++;
        while (i + 1 < t.Count && t[i] is { Kind: Kind.Punct, Text: "." } && t[i + 1].Kind is Kind.Word or Kind.Ident) i += 2;
        string[]? tail = first switch
        {
            "double" => new[] { "precision" },
            "character" or "bit" or "char" => new[] { "varying" },
            _ => null,
        };
        if (tail is not null && i < t.Count && t[i].Kind == Kind.Word && t[i].Text == tail[0]) i++;
        if (first is "timestamp" or "time" && i + 2 < t.Count && t[i].Text is "with" or "without" && t[i + 1].Text == "time" && t[i + 2].Text == "zone") i += 3;
        if (i < t.Count && t[i] is { Kind: Kind.Punct, Text: "(" })
        {
            var j = i + 1;
            while (j < t.Count && (t[j].Kind == Kind.Const || t[j] is { Kind: Kind.Punct, Text: "," })) j++;
            if (j < t.Count && t[j] is { Kind: Kind.Punct, Text: ")" }) i = j + 1;
        }
        while (i + 1 < t.Count && t[i] is { Kind: Kind.Punct, Text: "[" } && t[i + 1] is { Kind: Kind.Punct, Text: "]" }) i += 2;
        return i;
    }

    // o ends with "cast ( ? as <type> )": replace it with ?.
    private static void FoldCast(List<Token> o)
    {
        var open = MatchingOpen(o, "(", ")");
        if (open < 1 || o[open - 1] is not { Kind: Kind.Word, Text: "cast" }) return;
        if (open + 2 >= o.Count || o[open + 1].Kind != Kind.Const || o[open + 2] is not { Kind: Kind.Word, Text: "as" }) return;
        var typeEnd = SkipTypeName(o, open + 3);
        if (typeEnd != o.Count - 1) return;
        o.RemoveRange(open - 1, o.Count - open + 1);
        o.Add(new Token(Kind.Const, "?"));
    }

    // o ends with a list of only literals after IN or ARRAY, or a VALUES row of only literals: fold it to one ?.
    private static void FoldList(List<Token> o, int open, bool valuesRow)
    {
        if (o.Count - open < 3 || (o.Count - open) % 2 != 1) return; // empty list or a dangling comma
        if (!(valuesRow || o[open - 1] is { Kind: Kind.Word, Text: "in" or "array" })) return;
        for (var j = open + 1; j < o.Count - 1; j++)
        {
            var item = o[j];
            var expectItem = (j - open) % 2 == 1;
            if (expectItem ? !(item.Kind == Kind.Const || item is { Kind: Kind.Word, Text: "null" or "default" })
                           : item is not { Kind: Kind.Punct, Text: "," })
                return;
        }
        var close = o[^1];
        o.RemoveRange(open + 1, o.Count - open - 1);
        o.Add(new Token(Kind.Const, "?"));
        o.Add(close);
    }

    // o ends with a VALUES row starting at open. A row equal to the one before it goes (VALUES (?, now()), (?, now())
    // is VALUES (?, now())), so every batch size of a multi-row insert is one statement. Returns the list's last row.
    private static (int Start, int End) KeepValuesRow(List<Token> o, int open, (int Start, int End) lastRow)
    {
        var end = o.Count - 1;
        if (o[open - 1].Kind == Kind.Punct && end - open == lastRow.End - lastRow.Start)
        {
            var same = true;
            for (var k = 0; same && k <= end - open; k++)
                same = o[open + k] == o[lastRow.Start + k];
            if (same)
            {
                o.RemoveRange(open - 1, o.Count - open + 1);
                return lastRow;
            }
        }
        return (open, end);
    }

    private static int MatchingOpen(List<Token> o, string open, string close)
    {
        var depth = 0;
        for (var j = o.Count - 1; j >= 0; j--)
        {
            if (o[j].Kind != Kind.Punct) continue;
            if (o[j].Text == close) depth++;
            else if (o[j].Text == open && --depth == 0) return j;
        }
        return -1;
    }

    private static string Render(List<Token> tokens)
    {
        var sb = _renderBuffer ??= new StringBuilder(256);
        sb.Clear();
        Token? prev = null;
        foreach (var t in tokens)
        {
            if (prev is { } p && NeedsSpace(p, t))
                sb.Append(' ');
            sb.Append(t.Text);
            prev = t;
        }
        return sb.ToString();
    }

    private static bool NeedsSpace(Token prev, Token t)
    {
        if (prev is { Kind: Kind.Punct, Text: "(" or "[" or "." } || prev.Kind == Kind.Cast) return false;
        if (t is { Kind: Kind.Punct, Text: ")" or "]" or "," or "." or ";" } || t.Kind == Kind.Cast) return false;
        if (t is { Kind: Kind.Punct, Text: "(" or "[" })
            return !(prev.Kind == Kind.Ident || prev is { Kind: Kind.Punct, Text: ")" or "]" } || (prev.Kind == Kind.Word && !Keywords.Contains(prev.Text)));
        return true;
    }
}
