using System.Globalization;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace PgPerf;

/// <summary>What a scheduled entry runs. ConnectionString never holds a password.</summary>
public sealed record PgJobEntry
{
    public PgJobKind Job { get; init; }
    public PgTaskScope Scope { get; init; }
    public string PwshPath { get; init; } = "";
    public string ModulePath { get; init; } = "";
    public string ConnectionString { get; init; } = "";

    /// <summary>ConnectionString is a central repository: the job runs with -Repository, over every server registered
    /// there at the time it runs (one entry for the whole fleet).</summary>
    public bool Repository { get; init; }

    /// <summary>Daily only: the local time of day (default 02:00, the spec's low-traffic hour).</summary>
    public TimeOnly DailyAt { get; init; } = new(2, 0);

    /// <summary>System scope cron entries (/etc/cron.d) name the user that runs them.</summary>
    public string RunAsUser { get; init; } = "root";
}

/// <summary>
/// Renders the entries for cron, systemd and Windows Task Scheduler. Pure: no file or process is touched,
/// so every quoting rule is unit-tested.
/// </summary>
public static partial class PgScheduleRenderer
{
    public const string CronMarkerPrefix = "# pgperf-job:";

    public static string JobName(PgJobKind job) => job.ToString().ToLowerInvariant();

    public static string JobCmdlet(PgJobKind job) => job == PgJobKind.Hourly ? "Invoke-PgHourlyMonitoring" : "Invoke-PgDailyMaintenance";

    /// <summary>The trailing comment that marks PgPerf's crontab lines, so re-registering replaces them.</summary>
    public static string CronMarker(PgJobKind job) => CronMarkerPrefix + JobName(job);

    /// <summary>The spec's schedules: hourly at minute 0, daily at 02:00 (or -At).</summary>
    public static string CronSchedule(PgJobEntry entry) =>
        entry.Job == PgJobKind.Hourly ? "0 * * * *" : $"{entry.DailyAt.Minute} {entry.DailyAt.Hour} * * *";

    public static string SystemdCalendar(PgJobEntry entry) =>
        entry.Job == PgJobKind.Hourly ? "*-*-* *:00:00" : $"*-*-* {entry.DailyAt:HH\\:mm}:00";

    /// <summary>Parses -At; accepts H:mm or HH:mm from 00:00 to 23:59.</summary>
    public static TimeOnly ParseAt(string? text)
    {
        var match = text is null ? null : AtPattern().Match(text.Trim());
        if (match is null || !match.Success)
            throw new PgPerfException(PgPerfErrorIds.Schedule.InvalidTime, PgPerfErrorKind.InvalidArgument,
                $"-At '{text}' is not a time of day. Use HH:mm between 00:00 and 23:59 (local time of this machine), for example -At 02:30.")
            { ParameterName = "At" };
        return new TimeOnly(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The PowerShell the entry runs. The job cmdlet writes an error for each failed step, so $? is false and
    /// the process exits 1; a terminating error (module missing, schema not installed) also exits 1.
    /// Plain text output keeps colour codes out of cron mail, the journal and task logs.
    /// </summary>
    public static string Script(PgJobEntry entry) =>
        $"$PSStyle.OutputRendering = 'PlainText'; Import-Module {PsQuote(entry.ModulePath)}; {JobCmdlet(entry.Job)} {TargetParameter(entry)} {PsQuote(entry.ConnectionString)}; if (-not $?) {{ exit 1 }}";

    /// <summary>The job cmdlet's parameter that takes the entry's connection.</summary>
    public static string TargetParameter(PgJobEntry entry) => entry.Repository ? "-Repository" : "-Connection";

    public static IReadOnlyList<string> Arguments(PgJobEntry entry) => new[] { "-NoProfile", "-NonInteractive", "-Command", Script(entry) };

    /// <summary>The command as /bin/sh sees it.</summary>
    public static string ShellCommand(PgJobEntry entry) =>
        string.Join(' ', new[] { entry.PwshPath }.Concat(Arguments(entry)).Select(ShellQuote));

    /// <summary>One crontab line (with the user field for /etc/cron.d), ending with the PgPerf marker.</summary>
    public static string CronLine(PgJobEntry entry)
    {
        var user = entry.Scope == PgTaskScope.System ? entry.RunAsUser + " " : "";
        // cron turns an unescaped % into a newline.
        return $"{CronSchedule(entry)} {user}{ShellCommand(entry).Replace("%", "\\%", StringComparison.Ordinal)} {CronMarker(entry.Job)}";
    }

    /// <summary>The /etc/cron.d file for System scope.</summary>
    public static string CronFile(PgJobEntry entry) =>
        $"# PgPerf {JobName(entry.Job)} job, written by Register-PgPerfScheduledTask.\nSHELL=/bin/sh\n{CronLine(entry)}\n";

    public static string SystemdUnitName(PgJobKind job) => "pgperf-" + JobName(job);

    /// <summary>ExecStart= value: every word double-quoted with \ and " escaped and % doubled; $ is doubled in the
    /// arguments only, because systemd expands variables in the arguments but never in the program path.</summary>
    public static string SystemdExecStart(PgJobEntry entry) =>
        string.Join(' ', new[] { SystemdQuote(entry.PwshPath, isProgram: true) }.Concat(Arguments(entry).Select(a => SystemdQuote(a))));

    public static string SystemdService(PgJobEntry entry)
    {
        var title = entry.Job == PgJobKind.Hourly ? "hourly monitoring" : "daily maintenance";
        return $"""
            [Unit]
            Description=PgPerf {title} ({JobCmdlet(entry.Job)})
            Wants=network-online.target
            After=network-online.target

            [Service]
            Type=oneshot
            ExecStart={SystemdExecStart(entry)}

            """.ReplaceLineEndings("\n");
    }

    public static string SystemdTimer(PgJobEntry entry)
    {
        var unit = SystemdUnitName(entry.Job);
        return $"""
            [Unit]
            Description=PgPerf {JobName(entry.Job)} schedule

            [Timer]
            OnCalendar={SystemdCalendar(entry)}
            Persistent=true
            Unit={unit}.service

            [Install]
            WantedBy=timers.target

            """.ReplaceLineEndings("\n");
    }

    public static string TaskName(PgJobKind job) => $"\\PgPerf\\PgPerf {job}";

    public static string TaskSchedule(PgJobEntry entry) =>
        entry.Job == PgJobKind.Hourly ? "every hour at minute 0" : $"daily at {entry.DailyAt:HH\\:mm}";

    /// <summary>Arguments for the Exec action, quoted for the Windows command line (CommandLineToArgvW rules).</summary>
    public static string WindowsArguments(PgJobEntry entry) =>
        string.Join(' ', Arguments(entry).Select(WindowsQuote));

    /// <summary>Task Scheduler XML (schtasks /Create /XML): no 261-character /TR limit, StartWhenAvailable like Persistent=true.</summary>
    public static string TaskXml(PgJobEntry entry)
    {
        var start = entry.Job == PgJobKind.Hourly ? "2024-01-01T00:00:00" : $"2024-01-01T{entry.DailyAt:HH\\:mm}:00";
        var repetition = entry.Job == PgJobKind.Hourly
            ? "\n      <Repetition>\n        <Interval>PT1H</Interval>\n        <Duration>P1D</Duration>\n        <StopAtDurationEnd>false</StopAtDurationEnd>\n      </Repetition>"
            : "";
        var principal = entry.Scope == PgTaskScope.System
            ? "<UserId>S-1-5-18</UserId>\n      <RunLevel>HighestAvailable</RunLevel>"
            : "<LogonType>InteractiveToken</LogonType>\n      <RunLevel>LeastPrivilege</RunLevel>";
        var xml = $"""
            <?xml version="1.0" encoding="UTF-16"?>
            <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
              <RegistrationInfo>
                <Description>PgPerf {JobName(entry.Job)} job ({JobCmdlet(entry.Job)}), written by Register-PgPerfScheduledTask.</Description>
                <URI>{Esc(TaskName(entry.Job))}</URI>
              </RegistrationInfo>
              <Triggers>
                <CalendarTrigger>{repetition}
                  <StartBoundary>{start}</StartBoundary>
                  <Enabled>true</Enabled>
                  <ScheduleByDay>
                    <DaysInterval>1</DaysInterval>
                  </ScheduleByDay>
                </CalendarTrigger>
              </Triggers>
              <Principals>
                <Principal id="Author">
                  {principal}
                </Principal>
              </Principals>
              <Settings>
                <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
                <StartWhenAvailable>true</StartWhenAvailable>
                <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
                <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
                <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>
                <Enabled>true</Enabled>
              </Settings>
              <Actions Context="Author">
                <Exec>
                  <Command>{Esc(entry.PwshPath)}</Command>
                  <Arguments>{Esc(WindowsArguments(entry))}</Arguments>
                </Exec>
              </Actions>
            </Task>

            """;
        return xml.ReplaceLineEndings("\r\n");
    }

    public static IReadOnlyList<string> SchtasksCreateArguments(PgJobKind job, string xmlPath) =>
        new[] { "/Create", "/TN", TaskName(job), "/XML", xmlPath, "/F" };

    public static IReadOnlyList<string> SchtasksDeleteArguments(PgJobKind job) => new[] { "/Delete", "/TN", TaskName(job), "/F" };

    public static IReadOnlyList<string> SchtasksQueryArguments(PgJobKind job) => new[] { "/Query", "/TN", TaskName(job), "/XML" };

    /// <summary>A PowerShell single-quoted literal (typographic single quotes are quote characters too).</summary>
    public static string PsQuote(string value)
    {
        var sb = new StringBuilder("'");
        foreach (var c in value)
        {
            sb.Append(c);
            if (c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B')
                sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }

    /// <summary>A POSIX shell single-quoted word.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string SystemdQuote(string value, bool isProgram = false)
    {
        var quoted = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("%", "%%", StringComparison.Ordinal);
        return "\"" + (isProgram ? quoted : quoted.Replace("$", "$$", StringComparison.Ordinal)) + "\"";
    }

    /// <summary>Quotes one argument so CommandLineToArgvW (and pwsh.exe) gives it back unchanged.</summary>
    public static string WindowsQuote(string value)
    {
        if (value.Length > 0 && value.IndexOfAny(new[] { ' ', '\t', '"' }) < 0)
            return value;
        var sb = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in value)
        {
            if (c == '\\') { backslashes++; continue; }
            if (c == '"') sb.Append('\\', backslashes * 2 + 1).Append('"');
            else sb.Append('\\', backslashes).Append(c);
            backslashes = 0;
        }
        return sb.Append('\\', backslashes * 2).Append('"').ToString();
    }

    private static string Esc(string text) => SecurityElement.Escape(text);

    [GeneratedRegex(@"^([01]?\d|2[0-3]):([0-5]\d)$")]
    private static partial Regex AtPattern();
}
