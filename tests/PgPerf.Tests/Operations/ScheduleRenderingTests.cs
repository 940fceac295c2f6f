using System.Diagnostics;
using System.Xml.Linq;
using Xunit;

namespace PgPerf.Tests.Operations;

public class ScheduleRenderingTests
{
    private static PgJobEntry Entry(PgJobKind job, string? at = null, PgTaskScope scope = PgTaskScope.User) => new()
    {
        Job = job,
        Scope = scope,
        PwshPath = "/opt/microsoft/powershell/7/pwsh",
        ModulePath = "/home/o'brien/.local/share/powershell/Modules/PgPerf/PgPerf.psd1",
        ConnectionString = "Host=db1;Port=5432;Database=app;Username=monitor;Passfile=/home/ops/.config/pgperf/pgpass",
        DailyAt = at is null ? new TimeOnly(2, 0) : PgScheduleRenderer.ParseAt(at),
        RunAsUser = "pgperf",
    };

    [Fact]
    public void Cron_lines_use_the_spec_schedules_and_end_with_the_marker()
    {
        var hourly = PgScheduleRenderer.CronLine(Entry(PgJobKind.Hourly));
        Assert.StartsWith("0 * * * * '/opt/microsoft/powershell/7/pwsh' '-NoProfile' '-NonInteractive' '-Command' ", hourly);
        Assert.EndsWith(" # pgperf-job:hourly", hourly);
        Assert.Contains("Invoke-PgHourlyMonitoring -Connection", hourly);
        Assert.Contains("if (-not $?) { exit 1 }", hourly);

        Assert.StartsWith("0 2 * * * ", PgScheduleRenderer.CronLine(Entry(PgJobKind.Daily)));
        Assert.StartsWith("30 3 * * * ", PgScheduleRenderer.CronLine(Entry(PgJobKind.Daily, "03:30")));
        Assert.StartsWith("5 23 * * * pgperf '/opt", PgScheduleRenderer.CronLine(Entry(PgJobKind.Daily, "23:05", PgTaskScope.System)));
        Assert.EndsWith(" # pgperf-job:daily", PgScheduleRenderer.CronLine(Entry(PgJobKind.Daily)));
    }

    [Fact]
    public void Cron_line_escapes_percent_signs()
    {
        var entry = Entry(PgJobKind.Hourly) with { ModulePath = "/srv/100%/PgPerf.psd1" };
        var line = PgScheduleRenderer.CronLine(entry);
        Assert.Contains("/srv/100\\%/PgPerf.psd1", line);
        Assert.DoesNotContain("100%/", line);
        Assert.Contains("/srv/100%/PgPerf.psd1", PgCrontab.CommandOf(line, hasUserField: false));
    }

    [Theory]
    [InlineData("00:00", 0, 0)]
    [InlineData("2:05", 2, 5)]
    [InlineData("23:59", 23, 59)]
    public void At_accepts_times_of_day(string text, int hour, int minute) =>
        Assert.Equal(new TimeOnly(hour, minute), PgScheduleRenderer.ParseAt(text));

    [Theory]
    [InlineData("25:00")]
    [InlineData("24:00")]
    [InlineData("12:60")]
    [InlineData("noon")]
    [InlineData("")]
    public void At_refuses_what_is_not_a_time_of_day(string text)
    {
        var ex = Assert.Throws<PgPerfException>(() => PgScheduleRenderer.ParseAt(text));
        Assert.Equal("PgPerf.Schedule.InvalidTime", ex.ErrorId);
        Assert.Equal("At", ex.ParameterName);
        Assert.Contains("HH:mm", ex.Message);
    }

    [Fact]
    public void Script_imports_the_module_by_path_and_quotes_single_quotes()
    {
        var script = PgScheduleRenderer.Script(Entry(PgJobKind.Daily));
        Assert.Equal(
            "$PSStyle.OutputRendering = 'PlainText'; Import-Module '/home/o''brien/.local/share/powershell/Modules/PgPerf/PgPerf.psd1'; Invoke-PgDailyMaintenance -Connection " +
            "'Host=db1;Port=5432;Database=app;Username=monitor;Passfile=/home/ops/.config/pgperf/pgpass'; if (-not $?) { exit 1 }", script);
        Assert.Equal("'it''s'", PgScheduleRenderer.PsQuote("it's"));
        Assert.Equal("'a‘‘b’’c'", PgScheduleRenderer.PsQuote("a‘b’c"));
    }

    [Theory]
    [InlineData(PgJobKind.Hourly, "Invoke-PgHourlyMonitoring")]
    [InlineData(PgJobKind.Daily, "Invoke-PgDailyMaintenance")]
    public void A_repository_entry_runs_the_job_with_Repository_in_every_scheduler(PgJobKind job, string cmdlet)
    {
        var entry = Entry(job) with { Repository = true };
        var call = $"{cmdlet} -Repository 'Host=db1;Port=5432;Database=app;Username=monitor;Passfile=/home/ops/.config/pgperf/pgpass'; if (-not $?) {{ exit 1 }}";
        Assert.EndsWith(call, PgScheduleRenderer.Script(entry));
        Assert.Contains(PgScheduleRenderer.ShellQuote(PgScheduleRenderer.Script(entry)), PgScheduleRenderer.CronLine(entry));
        Assert.Contains(PgScheduleRenderer.SystemdQuote(PgScheduleRenderer.Script(entry)), PgScheduleRenderer.SystemdService(entry));
        Assert.Contains(PgScheduleRenderer.WindowsQuote(PgScheduleRenderer.Script(entry)), PgScheduleRenderer.WindowsArguments(entry));
        // The marker stays the job's: registering for a repository replaces a per-database entry of the same job.
        Assert.EndsWith(PgScheduleRenderer.CronMarker(job), PgScheduleRenderer.CronLine(entry));
        Assert.DoesNotContain("-Connection", PgScheduleRenderer.Script(entry));
    }

    [PosixShellTheory]
    [InlineData("plain")]
    [InlineData("it's")]
    [InlineData("$HOME `date` \"x\" \\ ; & | * ?")]
    [InlineData("'; rm -rf / #")]
    public void Shell_quoting_survives_a_real_shell(string value)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("printf '%s' " + PgScheduleRenderer.ShellQuote(value));
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(value, output);
    }

    [Fact]
    public void Systemd_units_have_a_persistent_timer_and_an_escaped_ExecStart()
    {
        var entry = Entry(PgJobKind.Daily, "04:15") with { ModulePath = "/srv/50%/Pg\"Perf\\x$y.psd1" };
        var service = PgScheduleRenderer.SystemdService(entry);
        var timer = PgScheduleRenderer.SystemdTimer(entry);

        Assert.Contains("Type=oneshot", service);
        var exec = service.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.StartsWith("ExecStart=\"/opt/microsoft/powershell/7/pwsh\" \"-NoProfile\" \"-NonInteractive\" \"-Command\" \"$$PSStyle.OutputRendering = 'PlainText'; Import-Module ", exec);
        Assert.Contains("/srv/50%%/Pg\\\"Perf\\\\x$$y.psd1", exec);
        Assert.Contains("if (-not $$?) { exit 1 }", exec);
        Assert.DoesNotContain("Password", exec, StringComparison.OrdinalIgnoreCase);

        Assert.Contains("OnCalendar=*-*-* 04:15:00", timer);
        Assert.Contains("Persistent=true", timer);
        Assert.Contains("Unit=pgperf-daily.service", timer);
        Assert.Contains("WantedBy=timers.target", timer);
        Assert.Contains("OnCalendar=*-*-* *:00:00", PgScheduleRenderer.SystemdTimer(Entry(PgJobKind.Hourly)));
    }

    [Fact]
    public void Task_Scheduler_xml_has_the_action_trigger_and_principal()
    {
        var entry = Entry(PgJobKind.Hourly) with { PwshPath = @"C:\Program Files\PowerShell\7\pwsh.exe", ModulePath = @"C:\Program Files\PowerShell\Modules\PgPerf\PgPerf.psd1" };
        var xml = XDocument.Parse(PgScheduleRenderer.TaskXml(entry));
        XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        Assert.Equal(@"C:\Program Files\PowerShell\7\pwsh.exe", xml.Descendants(ns + "Command").Single().Value);
        var arguments = xml.Descendants(ns + "Arguments").Single().Value;
        Assert.StartsWith("-NoProfile -NonInteractive -Command \"$PSStyle.OutputRendering = 'PlainText'; Import-Module 'C:\\Program Files\\PowerShell\\Modules\\PgPerf\\PgPerf.psd1'; Invoke-PgHourlyMonitoring", arguments);
        Assert.Equal("PT1H", xml.Descendants(ns + "Interval").Single().Value);
        Assert.Equal("true", xml.Descendants(ns + "StartWhenAvailable").Single().Value);
        Assert.Equal("IgnoreNew", xml.Descendants(ns + "MultipleInstancesPolicy").Single().Value);
        Assert.Equal("InteractiveToken", xml.Descendants(ns + "LogonType").Single().Value);
        Assert.Equal(@"\PgPerf\PgPerf Hourly", xml.Descendants(ns + "URI").Single().Value);

        var daily = XDocument.Parse(PgScheduleRenderer.TaskXml(Entry(PgJobKind.Daily, "02:30", PgTaskScope.System)));
        Assert.Equal("2024-01-01T02:30:00", daily.Descendants(ns + "StartBoundary").Single().Value);
        Assert.Empty(daily.Descendants(ns + "Repetition"));
        Assert.Equal("S-1-5-18", daily.Descendants(ns + "UserId").Single().Value);

        Assert.Equal(new[] { "/Create", "/TN", @"\PgPerf\PgPerf Daily", "/XML", @"C:\t\x.xml", "/F" }, PgScheduleRenderer.SchtasksCreateArguments(PgJobKind.Daily, @"C:\t\x.xml"));
        Assert.Equal(new[] { "/Delete", "/TN", @"\PgPerf\PgPerf Hourly", "/F" }, PgScheduleRenderer.SchtasksDeleteArguments(PgJobKind.Hourly));
    }

    [Theory]
    [InlineData("simple", "simple")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData(@"C:\dir\", @"C:\dir\")]
    [InlineData(@"C:\my dir\", "\"C:\\my dir\\\\\"")]
    [InlineData("", "\"\"")]
    public void Windows_arguments_follow_CommandLineToArgvW(string value, string expected) =>
        Assert.Equal(expected, PgScheduleRenderer.WindowsQuote(value));
}

public class CrontabTextTests
{
    private const string Foreign = "15 4 * * 1 /usr/local/bin/backup.sh --full # nightly backup";

    [Fact]
    public void Registering_twice_leaves_one_line_and_keeps_other_lines()
    {
        var existing = "MAILTO=ops@example.com\n# my jobs\n" + Foreign + "\n";
        var once = PgCrontab.Upsert(existing, PgJobKind.Hourly, "0 * * * * a # pgperf-job:hourly");
        var twice = PgCrontab.Upsert(once, PgJobKind.Hourly, "0 * * * * b # pgperf-job:hourly");
        Assert.Equal("MAILTO=ops@example.com\n# my jobs\n" + Foreign + "\n0 * * * * b # pgperf-job:hourly\n", twice);

        var both = PgCrontab.Upsert(twice, PgJobKind.Daily, "0 2 * * * c # pgperf-job:daily");
        Assert.Equal(new[] { PgJobKind.Hourly, PgJobKind.Daily }, PgCrontab.Find(both).Select(f => f.Job));

        var removed = PgCrontab.Remove(both, PgJobKind.Hourly);
        Assert.Equal("MAILTO=ops@example.com\n# my jobs\n" + Foreign + "\n0 2 * * * c # pgperf-job:daily\n", removed);
        Assert.Equal(existing, PgCrontab.Remove(removed, PgJobKind.Daily));
    }

    [Fact]
    public void Ignores_commented_out_and_look_alike_lines()
    {
        var text = "# 0 * * * * x # pgperf-job:hourly\n0 * * * * y # pgperf-job:hourlyish\n";
        Assert.Empty(PgCrontab.Find(text));
        Assert.Equal(text, PgCrontab.Remove(text, PgJobKind.Hourly));
        Assert.Equal("", PgCrontab.Remove("0 * * * * y # pgperf-job:hourly\n", PgJobKind.Hourly));
    }

    [Fact]
    public void Reads_the_schedule_and_command_back()
    {
        Assert.Equal("30 3 * * *", PgCrontab.ScheduleOf("30 3 * * * 'pwsh' x # pgperf-job:daily"));
        Assert.Equal("'pwsh' x # pgperf-job:daily", PgCrontab.CommandOf("30 3 * * * root 'pwsh' x # pgperf-job:daily", hasUserField: true));
    }
}

public class PgPassTextTests
{
    [Fact]
    public void Escapes_colons_and_backslashes_and_replaces_the_same_target()
    {
        var line = PgPassText.Line("db1", 5432, "app", "mon:itor", @"p\a:ss");
        Assert.Equal(@"db1:5432:app:mon\:itor:p\\a\:ss", line);
        Assert.Equal("db1:5432:*:*:x", PgPassText.Line("db1", 5432, null, null, "x"));

        var text = PgPassText.Upsert("other:5432:*:*:keep\n", line);
        Assert.Equal("other:5432:*:*:keep\n" + line + "\n", text);
        var replaced = PgPassText.Upsert(text, PgPassText.Line("db1", 5432, "app", "mon:itor", "new"));
        Assert.Equal("other:5432:*:*:keep\ndb1:5432:app:mon\\:itor:new\n", replaced);
    }
}

public class PwshLocatorTests
{
    private static readonly string[] Existing = { "/usr/bin/pwsh", "/opt/pwsh/pwsh", "/usr/bin/dotnet" };
    private static bool Exists(string path) => Existing.Contains(path);

    [Fact]
    public void Prefers_PwshPath_then_this_pwsh_then_PATH()
    {
        Assert.Equal("/opt/pwsh/pwsh", PgPwshLocator.Resolve("/opt/pwsh/pwsh", "/usr/bin/dotnet", "/usr/bin", false, Exists));
        Assert.Equal("/opt/microsoft/powershell/7/pwsh", PgPwshLocator.Resolve(null, "/opt/microsoft/powershell/7/pwsh", "/usr/bin", false, Exists));
        Assert.Equal("/usr/bin/pwsh", PgPwshLocator.Resolve(null, "/usr/bin/dotnet", "/nowhere:/usr/bin", false, Exists));
    }

    [Fact]
    public void Refuses_dotnet_with_a_clear_error()
    {
        var given = Assert.Throws<PgPerfException>(() => PgPwshLocator.Resolve("/usr/bin/dotnet", null, "", false, Exists));
        Assert.Equal("PgPerf.Schedule.PwshIsDotnet", given.ErrorId);
        Assert.Contains("-PwshPath", given.Message);

        var running = Assert.Throws<PgPerfException>(() => PgPwshLocator.Resolve(null, "/usr/bin/dotnet", "/nowhere", false, Exists));
        Assert.Equal("PgPerf.Schedule.PwshIsDotnet", running.ErrorId);
        Assert.Contains("dotnet pwsh", running.Message);
        Assert.Equal("PwshPath", running.ParameterName);
    }

    [Fact]
    public void Says_when_the_given_pwsh_does_not_exist()
    {
        var ex = Assert.Throws<PgPerfException>(() => PgPwshLocator.Resolve("/no/such/pwsh", null, "", false, Exists));
        Assert.Equal("PgPerf.Schedule.PwshNotFound", ex.ErrorId);
        Assert.Contains("/no/such/pwsh", ex.Message);
    }
}
