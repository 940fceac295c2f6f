using System.Security.Cryptography;
using System.Text;

namespace PgPerf;

/// <summary>
/// Normalizes SQL text (QueryTokenizer, then QueryRewriter) so that executions of the same statement with different literals group together,
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
        var tokens = QueryTokenizer.Tokenize(trimmed, TakeList(ref _tokenBuffer));
        var rewritten = QueryRewriter.Rewrite(tokens, TakeList(ref _rewriteBuffer));
        var result = QueryRewriter.Render(rewritten);
        _tokenBuffer = tokens;
        _rewriteBuffer = rewritten;
        return result;
    }

    [ThreadStatic] private static List<QueryToken>? _tokenBuffer;
    [ThreadStatic] private static List<QueryToken>? _rewriteBuffer;

    private static List<QueryToken> TakeList(ref List<QueryToken>? cached)
    {
        var list = cached ?? new List<QueryToken>(64);
        cached = null;
        list.Clear();
        return list;
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
}
