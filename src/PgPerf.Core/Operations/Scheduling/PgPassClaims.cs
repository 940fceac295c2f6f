namespace PgPerf;

/// <summary>
/// Which pgpass lines Register-PgPerfScheduledTask added, and for which jobs, so Unregister-PgPerfScheduledTask removes
/// a password it wrote once no registered job uses it, and never a line the user wrote. A line PgPerf added has a
/// comment just above it (libpq ignores lines starting with #) naming the jobs that use it, each as Job/Scheduler/Scope:
/// <code>
/// # PgPerf jobs using the next line (removed with the last of them): Hourly/Cron/User Daily/Cron/User
/// db1:5432:app:monitor:secret
/// </code>
/// A line that existed without the comment is the user's: its password may be updated, but it is never removed.
/// </summary>
public static class PgPassClaims
{
    public const string MarkerPrefix = "# PgPerf jobs using the next line (removed with the last of them):";

    /// <summary>The name a job has in the comment.</summary>
    public static string Of(PgJobKind job, PgSchedulerKind scheduler, PgTaskScope scope) => $"{job}/{scheduler}/{scope}";

    /// <summary>
    /// Writes <paramref name="line"/> for the job <paramref name="claim"/>: first the job lets go of any other line it
    /// used (it may have been registered for another server before), then the line is added with the comment, or an
    /// existing line for the same host, port, database and user gets the new password (and the job, if PgPerf added it).
    /// </summary>
    public static string Claim(string existing, string line, string claim)
    {
        var lines = Parse(Release(existing, claim));
        var key = PgPassText.KeyOf(line);
        var index = lines.FindIndex(l => !l.Text.StartsWith('#') && l.Text.Trim().Length > 0 && PgPassText.KeyOf(l.Text) == key);
        if (index < 0)
            lines.Add(new Entry(line, new List<string> { claim }));
        else if (lines[index].Claims is { } claims)
            lines[index] = new Entry(line, claims.Contains(claim) ? claims : claims.Append(claim).ToList());
        else
            lines[index] = new Entry(line, null);
        return Render(lines);
    }

    /// <summary>Takes the job off every line; a line PgPerf added that no job uses any more is removed with its comment.</summary>
    public static string Release(string existing, string claim)
    {
        var kept = new List<Entry>();
        foreach (var entry in Parse(existing))
        {
            if (entry.Claims is null)
            {
                kept.Add(entry);
                continue;
            }
            var left = entry.Claims.Where(c => c != claim).ToList();
            if (left.Count > 0)
                kept.Add(new Entry(entry.Text, left));
        }
        return Render(kept);
    }

    /// <summary>How many password lines (neither comments nor blank) the text holds.</summary>
    public static int PasswordLines(string text) =>
        text.ReplaceLineEndings("\n").Split('\n').Count(l => l.Trim().Length > 0 && !l.StartsWith('#'));

    /// <summary>True when the text holds no line at all (an empty file PgPerf may delete).</summary>
    public static bool IsEmpty(string text) => text.ReplaceLineEndings("\n").Split('\n').All(l => l.Trim().Length == 0);

    // A pgpass line with the jobs of its comment (null: not added by PgPerf), or any other line (comments, blank lines).
    private sealed record Entry(string Text, List<string>? Claims);

    private static List<Entry> Parse(string text)
    {
        var raw = text.ReplaceLineEndings("\n").Split('\n').ToList();
        if (raw.Count > 0 && raw[^1].Length == 0) raw.RemoveAt(raw.Count - 1);
        var entries = new List<Entry>();
        for (var i = 0; i < raw.Count; i++)
        {
            if (raw[i].StartsWith(MarkerPrefix, StringComparison.Ordinal) && i + 1 < raw.Count && !raw[i + 1].StartsWith('#') && raw[i + 1].Trim().Length > 0)
            {
                var claims = raw[i][MarkerPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                entries.Add(new Entry(raw[i + 1], claims));
                i++;
            }
            else
            {
                entries.Add(new Entry(raw[i], null));
            }
        }
        return entries;
    }

    private static string Render(List<Entry> entries)
    {
        var lines = new List<string>();
        foreach (var entry in entries)
        {
            if (entry.Claims is { Count: > 0 } claims)
                lines.Add(MarkerPrefix + " " + string.Join(' ', claims));
            lines.Add(entry.Text);
        }
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }
}
