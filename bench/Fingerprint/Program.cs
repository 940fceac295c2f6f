// Cost of the query fingerprint per logged record, printed as "key|value" lines:
// normalize_ns: QueryFingerprint.Normalize on a mix of application statements (the work a cache miss pays);
// hash_distinct_literals_ns: HashOf on texts that differ only in literals (raw-text cache misses, normalized hits);
// hash_repeated_ns: HashOf on the same few texts (raw-text cache hits, the common case for prepared statements).
// Medians of several rounds; the machine is shared, so compare runs made back to back.
using System.Diagnostics;
using PgPerf;

var rounds = args.Length > 0 ? int.Parse(args[0]) : 7;
string[] templates =
{
    "SELECT * FROM conversations WHERE status = '{0}' AND account_id = {0} ORDER BY created_at DESC LIMIT 50",
    "SELECT id, name, email FROM users WHERE id = $1",
    "SELECT c.id, c.subject, m.body FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.account_id = {0} AND m.created_at > now() - interval '{0} days'",
    "INSERT INTO events (account_id, kind, payload, created_at) VALUES ({0}, 'click', '{{\"x\": {0}}}'::jsonb, now()), ({0}, 'view', '{{}}'::jsonb, now())",
    "UPDATE accounts SET balance = balance - {0}.50, updated_at = now() WHERE id = {0} RETURNING balance",
    "SELECT * FROM orders WHERE id IN ({0}, {0}1, {0}2, {0}3) AND state <> 'cancelled'",
    "SELECT * FROM items WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL",
    "DELETE FROM sessions WHERE expires_at < '2026-01-{0:00}'::timestamptz",
    "WITH recent AS (SELECT account_id, count(*) AS n FROM events WHERE created_at > now() - interval '1 hour' GROUP BY account_id) SELECT a.name, r.n FROM recent r JOIN accounts a ON a.id = r.account_id WHERE r.n > {0} ORDER BY r.n DESC",
    "SELECT \"Id\", \"DisplayName\" FROM \"Users\" WHERE \"TenantId\" = @p0 AND \"IsActive\" = true",
};
// Literals differ on every record (as in an application that logs literal SQL), so the raw-text cache misses.
var texts = Enumerable.Range(0, 20_000).Select(i => string.Format(templates[i % templates.Length], i + 1)).ToArray();

double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
double Time(Action<string> work, string[] inputs)
{
    var sw = Stopwatch.StartNew();
    foreach (var t in inputs) work(t);
    return sw.Elapsed.TotalMilliseconds * 1e6 / inputs.Length;
}

var sink = 0;
for (var warm = 0; warm < 2; warm++) foreach (var t in texts) sink += QueryFingerprint.Normalize(t).Length;

var normalize = new List<double>();
var distinct = new List<double>();
var repeated = new List<double>();
var few = texts.Take(templates.Length).ToArray();
var manyOfFew = Enumerable.Range(0, texts.Length).Select(i => few[i % few.Length]).ToArray();
for (var r = 0; r < rounds; r++)
{
    normalize.Add(Time(t => sink += QueryFingerprint.Normalize(t).Length, texts));
    // New texts every round: the raw-text cache misses, the normalized cache hits.
    var fresh = texts.Select(t => t + " -- " + r).ToArray();
    distinct.Add(Time(t => sink += QueryFingerprint.HashOf(t).Length, fresh));
    repeated.Add(Time(t => sink += QueryFingerprint.HashOf(t).Length, manyOfFew));
}
// The machine is shared: the minimum is the cost without interference, the median what a busy machine sees.
Console.WriteLine($"normalize_ns_min|{normalize.Min():F0}");
Console.WriteLine($"normalize_ns_median|{Median(normalize):F0}");
Console.WriteLine($"hash_distinct_literals_ns_min|{distinct.Min():F0}");
Console.WriteLine($"hash_distinct_literals_ns_median|{Median(distinct):F0}");
Console.WriteLine($"hash_repeated_ns_min|{repeated.Min():F0}");
Console.WriteLine($"checksum|{sink % 1000}");
