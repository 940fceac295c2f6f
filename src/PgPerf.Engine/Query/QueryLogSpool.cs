using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PgPerf.Engine.Query;

/// <summary>
/// The local spool for records that could not be written: a JSON-lines file per target under the user's
/// data folder (owner-only: folder 0700, file 0600 on Unix). Every access holds an exclusive lock file so two
/// processes never replay or append at the same time.
/// </summary>
internal sealed class QueryLogSpool
{
    public const string EnvironmentVariable = "PGPERF_SPOOL_DIR";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public QueryLogSpool(string? directory, PgConnectionInfo target, int serverId = StatementServer.Local)
    {
        Directory = ResolveDirectory(directory);
        // One file per target (and user): records go back to the database they were meant for. In a repository one per
        // registered server too (migration 036), so they go back as that server; server 0 keeps the name it always had.
        var serverPart = serverId == StatementServer.Local ? "" : $"#server{serverId}";
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{target.Endpoint}/{target.Database}/{target.Username}{serverPart}")))[..16].ToLowerInvariant();
        FilePath = Path.Combine(Directory, $"querylog-{key}.jsonl");
        Target = target.Server;
    }

    public string Directory { get; }
    public string FilePath { get; }
    private string Target { get; }

    public bool HasRecords => File.Exists(FilePath) && new FileInfo(FilePath).Length > 0;

    public static string ResolveDirectory(string? directory)
    {
        if (!string.IsNullOrWhiteSpace(directory))
            return Path.GetFullPath(directory);
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return Path.GetFullPath(fromEnvironment);
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(data))
            data = Path.Combine(Path.GetTempPath(), "pgperf-" + Environment.UserName);
        return Path.Combine(data, "PgPerf", "spool");
    }

    /// <summary>Takes the spool's exclusive lock (waits up to 30 s for another process).</summary>
    public IDisposable Lock(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(FilePath + ".lock", OwnerOnly(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Task.Delay(50, cancellationToken).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Appends the records and flushes them to disk. Call under Lock.</summary>
    public void Append(IReadOnlyList<PgQueryLogEntry> entries)
    {
        EnsureDirectory();
        // A crash may have left a torn last line: start on a new line so it never swallows a good record.
        var newLine = EndsInsideLine(FilePath);
        using var stream = new FileStream(FilePath, OwnerOnly(FileMode.Append, FileAccess.Write));
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            if (newLine)
                writer.Write("\n");
            foreach (var e in entries)
                writer.Write(JsonSerializer.Serialize(new SpooledRecord(e, Target), Json) + "\n");
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads every good record. A line that is not a whole, valid record (a torn write after a power cut, damage)
    /// is returned with its line number so it can be reported and kept; it never stops the other lines.
    /// </summary>
    public (List<PgQueryLogEntry> Entries, List<(int Line, string Text)> Bad) ReadAll()
    {
        var entries = new List<PgQueryLogEntry>();
        var bad = new List<(int, string)>();
        if (!File.Exists(FilePath))
            return (entries, bad);
        var number = 0;
        foreach (var line in File.ReadLines(FilePath))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line.Replace('\0', ' '))) continue;
            try
            {
                var record = JsonSerializer.Deserialize<SpooledRecord>(line, Json);
                if (record is null || record.RecordId == Guid.Empty || string.IsNullOrEmpty(record.QueryText) || string.IsNullOrEmpty(record.QueryHash)
                    || record.LoggedAt == default || !QueryLogRules.IsValidDuration(record.DurationMs))
                    bad.Add((number, line));
                else
                    entries.Add(record.ToEntry());
            }
            catch (JsonException)
            {
                bad.Add((number, line));
            }
        }
        return (entries, bad);
    }

    /// <summary>Keeps unreadable lines next to the spool (owner-only) for a person to look at; returns the file.</summary>
    public string KeepDamaged(IEnumerable<string> lines)
    {
        var target = Path.Combine(Directory, $"{Path.GetFileNameWithoutExtension(FilePath)}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmssfff}.jsonl");
        using var stream = new FileStream(target, OwnerOnly(FileMode.CreateNew, FileAccess.Write));
        using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        foreach (var line in lines)
            writer.Write(line + "\n");
        return target;
    }

    private static bool EndsInsideLine(string path)
    {
        if (!File.Exists(path)) return false;
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (reader.Length == 0) return false;
        reader.Seek(-1, SeekOrigin.End);
        return reader.ReadByte() != '\n';
    }

    public void Clear() => File.Delete(FilePath);

    /// <summary>Moves a spool the database keeps rejecting aside (kept, never deleted) so it stops blocking new records.</summary>
    public string Quarantine()
    {
        var target = Path.Combine(Directory, $"{Path.GetFileNameWithoutExtension(FilePath)}.rejected-{DateTime.UtcNow:yyyyMMddTHHmmssfff}.jsonl");
        File.Move(FilePath, target);
        return target;
    }

    /// <summary>
    /// Options for an exclusive spool file that only its owner can read (0600) on Unix. The UnixCreateMode setter
    /// throws PlatformNotSupportedException on Windows even for null, so it is set only off Windows (CA1416).
    /// </summary>
    internal static FileStreamOptions OwnerOnly(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    private void EnsureDirectory()
    {
        if (System.IO.Directory.Exists(Directory)) return;
        if (OperatingSystem.IsWindows())
            System.IO.Directory.CreateDirectory(Directory);
        else
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private sealed record SpooledRecord
    {
        public SpooledRecord() { }

        public SpooledRecord(PgQueryLogEntry e, string target)
        {
            RecordId = e.RecordId; LoggedAt = e.LoggedAt; QueryText = e.QueryText; QueryHash = e.QueryHash; DurationMs = e.DurationMs;
            Endpoint = e.Endpoint; UserId = e.UserId; Parameters = e.Parameters; IsError = e.IsError; QueryTruncated = e.QueryTruncated; Target = target;
        }

        public Guid RecordId { get; init; }
        public DateTimeOffset LoggedAt { get; init; }
        public string QueryText { get; init; } = "";
        public string QueryHash { get; init; } = "";
        public double DurationMs { get; init; }
        public string? Endpoint { get; init; }
        public string? UserId { get; init; }
        public string? Parameters { get; init; }
        public bool IsError { get; init; }
        public bool QueryTruncated { get; init; }
        public string? Target { get; init; }

        public PgQueryLogEntry ToEntry() => new()
        {
            RecordId = RecordId, LoggedAt = LoggedAt.ToUniversalTime(), QueryText = QueryText, QueryHash = QueryHash, DurationMs = DurationMs,
            Endpoint = Endpoint, UserId = UserId, Parameters = Parameters, IsError = IsError, QueryTruncated = QueryTruncated,
        };
    }
}
