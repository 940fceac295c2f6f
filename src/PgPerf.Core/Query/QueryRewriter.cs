using System.Text;

namespace PgPerf;

using Kind = QueryTokenKind;
using Token = QueryToken;
using static QueryTokenizer;

/// <summary>
/// The second half of QueryFingerprint's normalization: folds QueryTokenizer's tokens (signs, typed literals and casts
/// of literals, IN/ARRAY/VALUES lists of literals, repeated VALUES rows) and renders them as the normalized text.
/// </summary>
internal static class QueryRewriter
{
    [ThreadStatic] private static StringBuilder? _renderBuffer;

    internal static List<Token> Rewrite(List<Token> input) => Rewrite(input, new List<Token>(input.Count));

    internal static List<Token> Rewrite(List<Token> input, List<Token> o)
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

    internal static string Render(List<Token> tokens)
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
        var result = sb.ToString();
        if (sb.Capacity > 1 << 16) _renderBuffer = null; // do not keep a huge buffer for one huge query
        return result;
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
