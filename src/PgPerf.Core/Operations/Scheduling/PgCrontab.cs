using System.Text.RegularExpressions;

namespace PgPerf;

/// <summary>
/// Edits crontab text: PgPerf owns only the lines that end with its marker; every other line
/// (the user's own jobs, comments, variables) is kept byte for byte.
/// </summary>
public static partial class PgCrontab
{
    /// <summary>Replaces the job's line(s) with one new line, or appends it.</summary>
    public static string Upsert(string existing, PgJobKind job, string line)
    {
        var lines = Split(existing);
        var index = lines.FindIndex(l => IsJobLine(l, job));
        lines.RemoveAll(l => IsJobLine(l, job));
        if (index < 0 || index > lines.Count) lines.Add(line);
        else lines.Insert(index, line);
        return Join(lines);
    }

    public static string Remove(string existing, PgJobKind job) => Join(Split(existing).Where(l => !IsJobLine(l, job)).ToList());

    /// <summary>PgPerf's lines, by job.</summary>
    public static IEnumerable<(PgJobKind Job, string Line)> Find(string existing)
    {
        foreach (var line in Split(existing))
        {
            foreach (var job in Enum.GetValues<PgJobKind>())
                if (IsJobLine(line, job))
                    yield return (job, line);
        }
    }

    public static bool IsJobLine(string line, PgJobKind job) =>
        !line.TrimStart().StartsWith('#') && line.TrimEnd().EndsWith(" " + PgScheduleRenderer.CronMarker(job), StringComparison.Ordinal);

    /// <summary>The five schedule fields of a crontab line.</summary>
    public static string ScheduleOf(string line)
    {
        var m = Fields().Match(line);
        return m.Success ? m.Groups[1].Value : "";
    }

    /// <summary>The command of a crontab line as the shell gets it (marker kept: it is a shell comment).</summary>
    public static string CommandOf(string line, bool hasUserField)
    {
        var m = Fields().Match(line);
        if (!m.Success) return line;
        var rest = m.Groups[2].Value;
        if (hasUserField)
        {
            var space = rest.IndexOf(' ');
            rest = space < 0 ? "" : rest[(space + 1)..];
        }
        return rest.Replace("\\%", "%", StringComparison.Ordinal);
    }

    private static List<string> Split(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    // crontab requires a final newline; an empty crontab stays empty.
    private static string Join(List<string> lines) => lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";

    [GeneratedRegex(@"^\s*(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(.*)$")]
    private static partial Regex Fields();
}

/// <summary>Lines of a libpq pgpass file (host:port:database:username:password, with : and \ escaped).</summary>
public static class PgPassText
{
    public static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);

    public static string Line(string host, int port, string? database, string? username, string password) =>
        string.Join(':', Escape(host), port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Escape(database ?? "*"), Escape(username ?? "*"), Escape(password));

    /// <summary>Adds the line, replacing an existing line for the same host, port, database and user.</summary>
    public static string Upsert(string existing, string line)
    {
        var key = KeyOf(line);
        var lines = existing.ReplaceLineEndings("\n").Split('\n').Where(l => l.Length > 0).ToList();
        var index = lines.FindIndex(l => KeyOf(l) == key);
        if (index >= 0) lines[index] = line;
        else lines.Add(line);
        return string.Join('\n', lines) + "\n";
    }

    // The first four fields (everything before the fourth unescaped colon).
    internal static string KeyOf(string line)
    {
        var colons = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\') { i++; continue; }
            if (line[i] == ':' && ++colons == 4) return line[..i];
        }
        return line;
    }
}
