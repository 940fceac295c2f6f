using System.Diagnostics;
using PgPerf.Engine.Operations;
using Xunit;

namespace PgPerf.Tests.Operations;

/// <summary>A Fact that is reported as skipped, with the reason, when a program it needs is not on PATH.</summary>
public sealed class RequiresProgramFactAttribute : FactAttribute
{
    public RequiresProgramFactAttribute(string program, string installHint)
    {
        if (ProgramPath.Find(program) is null)
            Skip = $"'{program}' is not on PATH ({installHint}).";
    }
}

internal static class ProgramPath
{
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
}

/// <summary>
/// The unit files that Register-PgPerfScheduledTask -Scheduler Systemd writes, checked by systemd itself:
/// `systemd-analyze verify` rejects unknown keys, bad values and bad quoting, `systemd-analyze calendar` every
/// OnCalendar= value. Units go to a test folder, never to the real unit directories; systemctl is not run.
/// </summary>
public sealed class SystemdUnitVerificationTests : IDisposable
{
    private const string InstallHint = ".ci/run installs Debian's 'systemd' package, which brings it";

    // A space, '%' and '$' in the paths: the quoting of ExecStart= must survive them.
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pgperf-units " + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private PgScheduledTaskManager Manager() => new(new FakeRunner(), new PgSchedulerEnvironment
    {
        IsWindows = false,
        Which = p => "/usr/bin/" + p,
        SystemdRunning = true,
        UserName = "tester",
        HomeDirectory = Path.Combine(_root, "home"),
        XdgConfigHome = Path.Combine(_root, "home", "config"),
    }, systemRoot: Path.Combine(_root, "etc"));

    /// <summary>verify checks that ExecStart='s program exists and is executable, so give it a real one.</summary>
    private string FakePwsh()
    {
        var path = Path.Combine(_root, "tools 100% $HOME", "pwsh");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public static IEnumerable<object[]> Entries() =>
        from job in Enum.GetValues<PgJobKind>()
        from scope in Enum.GetValues<PgTaskScope>()
        from at in job == PgJobKind.Daily ? new[] { new TimeOnly(0, 0), new TimeOnly(23, 59) } : new[] { new TimeOnly(2, 0) }
        select new object[] { job, scope, at };

    [RequiresProgramFact("systemd-analyze", InstallHint)]
    public void Every_unit_and_timer_registration_writes_passes_systemd_analyze_verify_and_calendar()
    {
        var pwsh = FakePwsh();
        var checkedFiles = 0;
        foreach (var row in Entries())
        {
            var (job, scope, at) = ((PgJobKind)row[0], (PgTaskScope)row[1], (TimeOnly)row[2]);
            var entry = new PgJobEntry
            {
                Job = job, Scope = scope, DailyAt = at, PwshPath = pwsh,
                ModulePath = Path.Combine(_root, "modules 50%", "PgPerf.psd1"),
                ConnectionString = "Host=db1;Port=5432;Database=app;Username=monitor;Passfile=/home/ops/.config/pgperf/pgpass",
            };
            var task = Manager().Register(entry, PgSchedulerKind.Systemd, null);
            var folder = Path.GetDirectoryName(task.Location)!;
            Assert.StartsWith(_root, folder);
            var files = Directory.GetFiles(folder, PgScheduleRenderer.SystemdUnitName(job) + ".*").OrderBy(f => f).ToArray();
            Assert.Equal(new[] { ".service", ".timer" }, files.Select(Path.GetExtension).ToArray());

            var verify = Analyze(scope, new[] { "verify" }.Concat(files));
            // verify exits 0 on unknown keys and only warns: any message at all is a defect of the unit.
            Assert.True(verify.ExitCode == 0 && verify.Output.Trim().Length == 0,
                $"systemd-analyze verify {job}/{scope} failed (exit {verify.ExitCode}):\n{verify.Output}\n{string.Join("\n---\n", files.Select(File.ReadAllText))}");

            var calendars = files.SelectMany(File.ReadAllLines).Where(l => l.StartsWith("OnCalendar=", StringComparison.Ordinal))
                .Select(l => l["OnCalendar=".Length..]).ToArray();
            Assert.NotEmpty(calendars);
            foreach (var calendar in calendars)
            {
                var parsed = Analyze(scope, new[] { "calendar", calendar });
                Assert.True(parsed.ExitCode == 0, $"systemd-analyze calendar '{calendar}' ({job}/{scope}) failed:\n{parsed.Output}");
                // systemd reads the value as the schedule PgPerf means.
                var expected = job == PgJobKind.Hourly ? "*-*-* *:00:00" : $"*-*-* {at:HH\\:mm}:00";
                Assert.Contains($"Normalized form: {expected}", parsed.Output);
            }
            checkedFiles += files.Length;
        }
        Assert.Equal(Entries().Count() * 2, checkedFiles);
    }

    [RequiresProgramFact("systemd-analyze", InstallHint)]
    public void Verify_catches_a_misspelt_key_and_calendar_a_bad_time()
    {
        // The checks above can fail: a unit with a typo and an impossible time are reported.
        Directory.CreateDirectory(_root);
        var timer = Path.Combine(_root, "pgperf-typo.timer");
        File.WriteAllText(timer, "[Unit]\nDescription=typo\n\n[Timer]\nOnCalendar=*-*-* *:00:00\nPersistant=true\n");
        Assert.Contains("Unknown key 'Persistant'", Analyze(PgTaskScope.System, new[] { "verify", timer }).Output);
        Assert.NotEqual(0, Analyze(PgTaskScope.System, new[] { "calendar", "*-*-* 25:00:00" }).ExitCode);
    }

    private (int ExitCode, string Output) Analyze(PgTaskScope scope, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (scope == PgTaskScope.User)
        {
            // The user manager's checks need a runtime folder; give it a private one (no user manager runs here).
            var runtime = Path.Combine(_root, "runtime");
            Directory.CreateDirectory(runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            start.Environment["XDG_RUNTIME_DIR"] = runtime;
            start.ArgumentList.Add("--user");
        }
        start.Environment["SYSTEMD_COLORS"] = "0";
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
