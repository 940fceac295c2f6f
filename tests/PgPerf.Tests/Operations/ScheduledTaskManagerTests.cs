using PgPerf.Engine.Operations;
using Xunit;

namespace PgPerf.Tests.Operations;

/// <summary>Records the programs the manager runs and plays a crontab in memory.</summary>
internal sealed class FakeRunner : IPgProcessRunner
{
    public string? Crontab { get; set; }
    public List<string> Calls { get; } = new();

    public (int ExitCode, string Output, string Error) Run(string file, IReadOnlyList<string> arguments, string? input = null)
    {
        Calls.Add(file + " " + string.Join(' ', arguments));
        if (file == "crontab" && arguments[0] == "-l")
            return Crontab is null ? (1, "", "no crontab for tester") : (0, Crontab, "");
        if (file == "crontab" && arguments[0] == "-")
        {
            Crontab = input;
            return (0, "", "");
        }
        return (0, "", "");
    }
}

public sealed class ScheduledTaskManagerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pgperf-sched-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private PgSchedulerEnvironment Env(bool cron = true, bool systemd = true, bool windows = false, bool systemctl = true) => new()
    {
        IsWindows = windows,
        Which = p => (p == "crontab" && cron) || (p == "systemctl" && systemctl) ? "/usr/bin/" + p : null,
        SystemdRunning = systemd,
        UserName = "tester",
        HomeDirectory = _root,
        XdgConfigHome = Path.Combine(_root, "config"),
    };

    private static PgJobEntry Entry(PgJobKind job) => new()
    {
        Job = job, PwshPath = "/usr/bin/pwsh", ModulePath = "/m/PgPerf.psd1", ConnectionString = "Host=db1;Port=5432;Database=app",
    };

    [Fact]
    public void Auto_prefers_cron_then_systemd_and_says_what_is_missing()
    {
        Assert.Equal(PgSchedulerKind.Cron, new PgScheduledTaskManager(new FakeRunner(), Env()).ResolveScheduler(PgSchedulerKind.Auto));
        Assert.Equal(PgSchedulerKind.Systemd, new PgScheduledTaskManager(new FakeRunner(), Env(cron: false)).ResolveScheduler(PgSchedulerKind.Auto));
        Assert.Equal(PgSchedulerKind.TaskScheduler, new PgScheduledTaskManager(new FakeRunner(), Env(windows: true)).ResolveScheduler(PgSchedulerKind.Auto));

        var none = Assert.Throws<PgPerfException>(() => new PgScheduledTaskManager(new FakeRunner(), Env(cron: false, systemd: false)).ResolveScheduler(PgSchedulerKind.Auto));
        var noSystemctl = Assert.Throws<PgPerfException>(() => new PgScheduledTaskManager(new FakeRunner(), Env(systemd: false, systemctl: false)).ResolveScheduler(PgSchedulerKind.Systemd));
        Assert.Contains("'systemctl' was not found", noSystemctl.Message);
        Assert.Equal("PgPerf.Schedule.SchedulerUnavailable", none.ErrorId);
        Assert.Contains("crontab", none.Message);
        Assert.Contains("apt-get install cron", none.Message);

        var noCron = Assert.Throws<PgPerfException>(() => new PgScheduledTaskManager(new FakeRunner(), Env(cron: false)).ResolveScheduler(PgSchedulerKind.Cron));
        Assert.Contains("'crontab' was not found", noCron.Message);
        Assert.Contains("-Scheduler Systemd, which is running here", noCron.Message);

        var noSystemd = Assert.Throws<PgPerfException>(() => new PgScheduledTaskManager(new FakeRunner(), Env(systemd: false)).ResolveScheduler(PgSchedulerKind.Systemd));
        Assert.Contains("not running", noSystemd.Message);
        Assert.Contains("-Scheduler Cron, which is installed here", noSystemd.Message);

        var notWindows = Assert.Throws<PgPerfException>(() => new PgScheduledTaskManager(new FakeRunner(), Env()).ResolveScheduler(PgSchedulerKind.TaskScheduler));
        Assert.Contains("only on Windows", notWindows.Message);
        Assert.Equal("Scheduler", notWindows.ParameterName);
    }

    [Fact]
    public void Cron_register_twice_keeps_one_line_and_the_users_own_lines()
    {
        var runner = new FakeRunner { Crontab = "MAILTO=\"\"\n5 5 * * * /bin/true # mine\n" };
        var manager = new PgScheduledTaskManager(runner, Env());
        manager.Register(Entry(PgJobKind.Hourly), PgSchedulerKind.Cron, null);
        manager.Register(Entry(PgJobKind.Hourly), PgSchedulerKind.Cron, null);
        manager.Register(Entry(PgJobKind.Daily) with { DailyAt = new TimeOnly(3, 30) }, PgSchedulerKind.Cron, null);

        var tasks = manager.Get(null, PgSchedulerKind.Cron, null);
        Assert.Equal(new[] { PgJobKind.Hourly, PgJobKind.Daily }, tasks.Select(t => t.Job));
        Assert.Equal(new[] { "0 * * * *", "30 3 * * *" }, tasks.Select(t => t.Schedule));
        Assert.Equal("crontab of user tester", tasks[0].Location);
        Assert.StartsWith(@"'/usr/bin/pwsh' '-NoProfile' '-NonInteractive' '-Command' '$PSStyle.OutputRendering = '\''PlainText'\''; Import-Module '\''/m/PgPerf.psd1'\''; Invoke-PgHourlyMonitoring", tasks[0].Command);
        Assert.StartsWith("MAILTO=\"\"\n5 5 * * * /bin/true # mine\n", runner.Crontab);

        manager.Unregister(tasks[0]);
        manager.Unregister(tasks[1]);
        Assert.Equal("MAILTO=\"\"\n5 5 * * * /bin/true # mine\n", runner.Crontab);
        Assert.Empty(manager.Get(null, PgSchedulerKind.Auto, null));
    }

    [Fact]
    public void Cron_system_scope_writes_a_cron_d_file_with_the_user_field()
    {
        var manager = new PgScheduledTaskManager(new FakeRunner(), Env(), systemRoot: _root);
        var task = manager.Register(Entry(PgJobKind.Daily) with { Scope = PgTaskScope.System, RunAsUser = "pgmon" }, PgSchedulerKind.Cron, null);
        Assert.Equal(Path.Combine(_root, "cron.d", "pgperf-daily"), task.Location);
        var text = File.ReadAllText(task.Location);
        Assert.Contains("\n0 2 * * * pgmon '/usr/bin/pwsh' ", text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(task.Location));

        var found = Assert.Single(manager.Get(PgJobKind.Daily, PgSchedulerKind.Cron, PgTaskScope.System));
        Assert.StartsWith("'/usr/bin/pwsh'", found.Command);
        manager.Unregister(found);
        Assert.False(File.Exists(task.Location));
    }

    [Fact]
    public void Systemd_register_writes_both_units_enables_the_timer_and_unregister_removes_them()
    {
        var runner = new FakeRunner();
        var manager = new PgScheduledTaskManager(runner, Env());
        var task = manager.Register(Entry(PgJobKind.Hourly), PgSchedulerKind.Systemd, null);
        var unitDir = Path.Combine(_root, "config", "systemd", "user");
        Assert.Equal(Path.Combine(unitDir, "pgperf-hourly.timer"), task.Location);
        Assert.Contains("Persistent=true", File.ReadAllText(Path.Combine(unitDir, "pgperf-hourly.timer")));
        Assert.Contains("ExecStart=\"/usr/bin/pwsh\"", File.ReadAllText(Path.Combine(unitDir, "pgperf-hourly.service")));
        Assert.Equal(new[] { "systemctl --user daemon-reload", "systemctl --user enable --now pgperf-hourly.timer" }, runner.Calls);

        var found = Assert.Single(manager.Get(null, PgSchedulerKind.Systemd, PgTaskScope.User));
        Assert.Equal("*-*-* *:00:00", found.Schedule);
        manager.Unregister(found);
        Assert.False(File.Exists(task.Location));
        Assert.Contains("systemctl --user disable --now pgperf-hourly.timer", runner.Calls);
    }

    [Fact]
    public void A_password_goes_only_to_an_owner_only_pgpass_file()
    {
        var manager = new PgScheduledTaskManager(new FakeRunner(), Env());
        var target = PgConnectionParser.Parse("Host=db1;Port=6432;Database=app;Username=monitor;Password=s3cr:et");
        var (cs, passFile, writes) = manager.PlanConnection(target, null, PgTaskScope.User);
        Assert.True(writes);
        Assert.Equal(Path.Combine(_root, "config", "pgperf", "pgpass"), passFile);
        Assert.DoesNotContain("s3cr", cs);
        Assert.Contains("Passfile=" + passFile, cs);

        manager.WritePassword(target, passFile!);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passFile!));
        Assert.Equal("db1:6432:app:monitor:s3cr\\:et\n", File.ReadAllText(passFile!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(passFile)!));

        // A second target is added; the same target again replaces its line.
        manager.WritePassword(PgConnectionParser.Parse("Host=db2;Database=app;Username=monitor;Password=two"), passFile!);
        manager.WritePassword(PgConnectionParser.Parse("Host=db1;Port=6432;Database=app;Username=monitor;Password=new"), passFile!);
        Assert.Equal("db1:6432:app:monitor:new\ndb2:5432:app:monitor:two\n", File.ReadAllText(passFile!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passFile!));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(passFile)!));
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // What Register-PgPerfScheduledTask does for a connection with a password: the pgpass line, then the entry.
    private static void RegisterWithPassword(PgScheduledTaskManager manager, PgJobKind job, PgConnectionInfo target, string? connectionFile = null)
    {
        var (cs, passFile, writes) = manager.PlanConnection(target, connectionFile, PgTaskScope.User);
        Assert.True(writes);
        manager.WritePassword(target, passFile!, PgPassClaims.Of(job, PgSchedulerKind.Cron, PgTaskScope.User));
        manager.Register(Entry(job) with { ConnectionString = cs }, PgSchedulerKind.Cron, passFile);
    }

    private static PgScheduledTask Registered(PgScheduledTaskManager manager, PgJobKind job) =>
        Assert.Single(manager.Get(job, PgSchedulerKind.Cron, PgTaskScope.User));

    [Fact]
    public void Unregister_removes_the_password_registration_wrote_when_no_other_job_uses_it()
    {
        var manager = new PgScheduledTaskManager(new FakeRunner(), Env());
        var target = PgConnectionParser.Parse("Host=db1;Port=6432;Database=app;Username=monitor;Password=s3cret");
        var passFile = Path.Combine(_root, "config", "pgperf", "pgpass");
        // The user's own line for another server was there before.
        Directory.CreateDirectory(Path.GetDirectoryName(passFile)!);
        File.WriteAllText(passFile, "other:5432:*:*:mine\n");
        File.SetUnixFileMode(passFile, OwnerOnly);

        RegisterWithPassword(manager, PgJobKind.Hourly, target);
        RegisterWithPassword(manager, PgJobKind.Daily, target);
        Assert.Equal(1, File.ReadAllText(passFile).Split('\n').Count(l => l == "db1:6432:app:monitor:s3cret"));

        // The daily job still uses the password: it stays.
        Assert.Empty(manager.Unregister(Registered(manager, PgJobKind.Hourly)));
        Assert.Contains("db1:6432:app:monitor:s3cret\n", File.ReadAllText(passFile));

        // The last job that used it is gone: so is the password, and only the user's line is left.
        Assert.Equal(new[] { passFile }, manager.Unregister(Registered(manager, PgJobKind.Daily)));
        Assert.Equal("other:5432:*:*:mine\n", File.ReadAllText(passFile));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(passFile));
    }

    [Fact]
    public void Unregister_deletes_the_pgpass_file_registration_created_and_never_removes_the_users_own_line()
    {
        var manager = new PgScheduledTaskManager(new FakeRunner(), Env());
        var passFile = Path.Combine(_root, "config", "pgperf", "pgpass");
        RegisterWithPassword(manager, PgJobKind.Hourly, PgConnectionParser.Parse("Host=db1;Database=app;Username=monitor;Password=one"));
        Assert.True(File.Exists(passFile));
        manager.Unregister(Registered(manager, PgJobKind.Hourly));
        Assert.False(File.Exists(passFile));

        // A line the user wrote for the same server gets the new password but is the user's: it stays.
        Directory.CreateDirectory(Path.GetDirectoryName(passFile)!);
        File.WriteAllText(passFile, "db1:5432:app:monitor:old\n");
        File.SetUnixFileMode(passFile, OwnerOnly);
        RegisterWithPassword(manager, PgJobKind.Hourly, PgConnectionParser.Parse("Host=db1;Database=app;Username=monitor;Password=two"));
        Assert.Equal("db1:5432:app:monitor:two\n", File.ReadAllText(passFile));
        Assert.Empty(manager.Unregister(Registered(manager, PgJobKind.Hourly)));
        Assert.Equal("db1:5432:app:monitor:two\n", File.ReadAllText(passFile));
    }

    [Fact]
    public void Registering_a_job_for_another_server_lets_go_of_its_old_password_and_a_connection_file_is_cleaned_too()
    {
        var manager = new PgScheduledTaskManager(new FakeRunner(), Env());
        var connectionFile = Path.Combine(_root, "jobs.pgpass");
        RegisterWithPassword(manager, PgJobKind.Daily, PgConnectionParser.Parse("Host=db1;Database=app;Username=monitor;Password=one"), connectionFile);
        RegisterWithPassword(manager, PgJobKind.Daily, PgConnectionParser.Parse("Host=db2;Database=app;Username=monitor;Password=two"), connectionFile);
        Assert.DoesNotContain("db1:", File.ReadAllText(connectionFile));
        Assert.Contains("db2:5432:app:monitor:two", File.ReadAllText(connectionFile));

        Assert.Equal(new[] { connectionFile }, manager.Unregister(Registered(manager, PgJobKind.Daily)));
        Assert.Equal("", File.ReadAllText(connectionFile));
    }

    [Fact]
    public void Refuses_secrets_it_cannot_keep_private()
    {
        var linux = new PgScheduledTaskManager(new FakeRunner(), Env());
        var option = Assert.Throws<PgPerfException>(() => linux.PlanConnection(PgConnectionParser.Parse("Host=db1;SSL Password=x"), null, PgTaskScope.User));
        Assert.Equal("PgPerf.Schedule.SecretInConnection", option.ErrorId);

        var windows = new PgScheduledTaskManager(new FakeRunner(), Env(windows: true));
        var pw = Assert.Throws<PgPerfException>(() => windows.PlanConnection(PgConnectionParser.Parse("Host=db1;Username=u;Password=x"), null, PgTaskScope.User));
        Assert.Equal("PgPerf.Schedule.PasswordNotAllowed", pw.ErrorId);
        Assert.Contains("pgpass.conf", pw.Message);

        // Without a password an existing pgpass file is referenced, but only when it is owner-only.
        Directory.CreateDirectory(_root);
        var shared = Path.Combine(_root, "shared-pgpass");
        File.WriteAllText(shared, "db1:5432:*:*:x\n");
        File.SetUnixFileMode(shared, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var open = Assert.Throws<PgPerfException>(() => linux.PlanConnection(PgConnectionParser.Parse("Host=db1;Username=u"), shared, PgTaskScope.User));
        Assert.Equal("PgPerf.Schedule.ConnectionFileNotPrivate", open.ErrorId);
        Assert.Contains("chmod 600", open.Message);
        File.SetUnixFileMode(shared, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (cs, passFile, writes) = linux.PlanConnection(PgConnectionParser.Parse("Host=db1;Username=u"), shared, PgTaskScope.User);
        Assert.False(writes);
        Assert.Equal(shared, passFile);
        Assert.Contains("Passfile=" + shared, cs);

        var missing = Assert.Throws<PgPerfException>(() => linux.PlanConnection(PgConnectionParser.Parse("Host=db1"), Path.Combine(_root, "nope"), PgTaskScope.User));
        Assert.Equal("PgPerf.Schedule.ConnectionFileNotFound", missing.ErrorId);
    }
}
