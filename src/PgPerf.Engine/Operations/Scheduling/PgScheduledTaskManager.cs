using System.Data.Common;
using System.Diagnostics;
using System.Text;

namespace PgPerf.Engine.Operations;

/// <summary>
/// Registers, lists and removes PgPerf's scheduled jobs through one scheduler class each (cron, systemd, Windows
/// Task Scheduler), and writes the owner-only pgpass file a job reads its password from. What an entry looks like
/// and where it goes is Core's (PgScheduleLayout, PgScheduleRenderer); this class puts it on the machine.
/// </summary>
internal sealed class PgScheduledTaskManager : IScheduledTaskService
{
    private const string SystemConfigDirectory = "/etc/pgperf";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly PgSchedulerEnvironment _env;
    private readonly string? _systemRoot;
    private readonly PgScheduleLayout _layout;
    private readonly IReadOnlyList<IJobScheduler> _schedulers;

    /// <param name="systemRoot">Replaces /etc for /etc/cron.d, /etc/systemd/system and /etc/pgperf (tests only).</param>
    public PgScheduledTaskManager(IPgProcessRunner? runner = null, PgSchedulerEnvironment? environment = null, string? systemRoot = null)
    {
        runner ??= new PgProcessRunner();
        _env = environment ?? SchedulerMachine.Current();
        _systemRoot = systemRoot;
        _layout = new PgScheduleLayout(_env, systemRoot);
        // Listing order: cron, systemd, then Task Scheduler.
        _schedulers = new IJobScheduler[]
        {
            new CronScheduler(runner, _env, _layout),
            new SystemdScheduler(runner, _env, _layout),
            new WindowsTaskScheduler(runner, _env),
        };
    }

    /// <summary>The scheduler to use; throws PgPerf.Schedule.SchedulerUnavailable naming what is missing and the alternative.</summary>
    public PgSchedulerKind ResolveScheduler(PgSchedulerKind requested)
    {
        var hasCron = !_env.IsWindows && _env.Which("crontab") is not null;
        var hasSystemd = !_env.IsWindows && _env.SystemdRunning && _env.Which("systemctl") is not null;
        switch (requested)
        {
            case PgSchedulerKind.Auto when _env.IsWindows:
                return PgSchedulerKind.TaskScheduler;
            case PgSchedulerKind.Auto when hasCron:
                return PgSchedulerKind.Cron;
            case PgSchedulerKind.Auto when hasSystemd:
                return PgSchedulerKind.Systemd;
            case PgSchedulerKind.Auto:
                throw Unavailable("Neither cron (no 'crontab' on PATH) nor systemd (not running: no /run/systemd/system) is available on this machine. " +
                    "Install cron (Debian/Ubuntu: apt-get install cron, then start it; RHEL/Fedora: dnf install cronie) and run this again.");
            case PgSchedulerKind.Cron when _env.IsWindows:
                throw Unavailable("cron does not exist on Windows. Use -Scheduler TaskScheduler (or Auto).");
            case PgSchedulerKind.Cron when !hasCron:
                throw Unavailable("cron is not installed: 'crontab' was not found on PATH. Install it (Debian/Ubuntu: apt-get install cron; RHEL/Fedora: dnf install cronie)" +
                    (hasSystemd ? ", or use -Scheduler Systemd, which is running here." : ", or use -Scheduler Systemd on a machine where systemd runs."));
            case PgSchedulerKind.Systemd when _env.IsWindows:
                throw Unavailable("systemd does not exist on Windows. Use -Scheduler TaskScheduler (or Auto).");
            case PgSchedulerKind.Systemd when !hasSystemd:
                throw Unavailable((_env.Which("systemctl") is null ? "systemd is not available: 'systemctl' was not found on PATH." :
                    "systemd is not running on this machine (no /run/systemd/system; containers usually start without it).") +
                    (hasCron ? " Use -Scheduler Cron, which is installed here." : " Use -Scheduler Cron (install cron first: apt-get install cron or dnf install cronie)."));
            case PgSchedulerKind.TaskScheduler when !_env.IsWindows:
                throw Unavailable("Windows Task Scheduler exists only on Windows. On this machine use -Scheduler Cron or -Scheduler Systemd (or Auto).");
            default:
                return requested;
        }
    }

    /// <summary>
    /// The scheduler whose entry -WhatIf shows when <see cref="ResolveScheduler"/> finds the requested one missing here
    /// (cron not installed, systemd not running): the one asked for, or for Auto the usual one of this OS. Rendering
    /// needs no scheduler installed. Null for a scheduler this OS never has (Task Scheduler off Windows, cron or systemd
    /// on Windows): that stays an error.
    /// </summary>
    public PgSchedulerKind? PreviewScheduler(PgSchedulerKind requested) => requested switch
    {
        PgSchedulerKind.Auto => _env.IsWindows ? PgSchedulerKind.TaskScheduler : PgSchedulerKind.Cron,
        PgSchedulerKind.TaskScheduler => _env.IsWindows ? requested : null,
        _ => _env.IsWindows ? null : requested,
    };

    /// <summary>The entry as it would be registered; touches nothing.</summary>
    public PgScheduledTask Render(PgJobEntry entry, PgSchedulerKind scheduler, string? connectionFile) =>
        _layout.Render(entry, scheduler, connectionFile);

    /// <summary>Registers (or replaces) the job's entry and returns what is now registered.</summary>
    public PgScheduledTask Register(PgJobEntry entry, PgSchedulerKind scheduler, string? connectionFile)
    {
        var task = Render(entry, scheduler, connectionFile);
        Scheduler(scheduler).Register(entry, task);
        return task;
    }

    /// <summary>Registered PgPerf jobs; Auto looks in every scheduler that exists here.</summary>
    public IReadOnlyList<PgScheduledTask> Get(PgJobKind? job, PgSchedulerKind scheduler, PgTaskScope? scope)
    {
        var scopes = scope is { } s ? new[] { s } : Enum.GetValues<PgTaskScope>();
        var jobs = job is { } j ? new[] { j } : Enum.GetValues<PgJobKind>();
        return _schedulers
            .Where(x => x.BelongsHere && (scheduler == PgSchedulerKind.Auto || scheduler == x.Kind))
            .SelectMany(x => x.Find(jobs, scopes))
            .ToList();
    }

    /// <summary>
    /// Removes one registered entry (other crontab lines and other jobs are kept), then the pgpass line registration
    /// wrote for it if no other registered job uses it. Returns the pgpass files a password line was removed from.
    /// </summary>
    public IReadOnlyList<string> Unregister(PgScheduledTask task)
    {
        Scheduler(task.Scheduler).Unregister(task);
        return ReleasePassword(task);
    }

    public bool CronDaemonRunning => Process.GetProcessesByName("cron").Length > 0 || Process.GetProcessesByName("crond").Length > 0;

    /// <summary>The folder for PgPerf's job files: ~/.config/pgperf (User) or /etc/pgperf (System); %APPDATA%\PgPerf on Windows.</summary>
    public string ConfigDirectory(PgTaskScope scope)
    {
        if (_env.IsWindows)
            return Path.Combine(Environment.GetFolderPath(scope == PgTaskScope.System ? Environment.SpecialFolder.CommonApplicationData : Environment.SpecialFolder.ApplicationData), "PgPerf");
        if (scope == PgTaskScope.System)
            return _systemRoot is null ? SystemConfigDirectory : Path.Combine(_systemRoot, "pgperf");
        return Path.Combine(_env.UserConfigHome, "pgperf");
    }

    /// <summary>
    /// Decides how the job gets its connection. The entry only ever holds a connection string without a
    /// password; a password goes into an owner-only (0600) pgpass file that the connection string names.
    /// Returns the connection string for the entry, the pgpass file (or null) and what it will write.
    /// </summary>
    public (string ConnectionString, string? PassFile, bool WritesPassword) PlanConnection(PgConnectionInfo target, string? connectionFile, PgTaskScope scope)
    {
        var builder = new DbConnectionStringBuilder { ["Host"] = target.Host, ["Port"] = target.Port };
        if (target.Database is not null) builder["Database"] = target.Database;
        if (target.Username is not null) builder["Username"] = target.Username;
        string? passFile = null;
        foreach (var (key, value) in target.Options)
        {
            if (key.Replace(" ", "", StringComparison.Ordinal).Contains("password", StringComparison.OrdinalIgnoreCase))
                throw new PgPerfException(PgPerfErrorIds.Schedule.SecretInConnection, PgPerfErrorKind.InvalidArgument,
                    $"The connection has the option '{key}', a secret that would be written into the scheduled entry. Remove it from the connection (use a certificate file or a pgpass file instead).")
                { ParameterName = "Connection" };
            if (key.Equals("Passfile", StringComparison.OrdinalIgnoreCase)) passFile = value;
            else builder[key] = value;
        }

        var writes = target.HasPassword;
        if (writes)
        {
            if (_env.IsWindows)
                throw new PgPerfException(PgPerfErrorIds.Schedule.PasswordNotAllowed, PgPerfErrorKind.InvalidArgument,
                    "The connection has a password, and PgPerf writes passwords only to an owner-only (0600) pgpass file, which it cannot guarantee on Windows. " +
                    @"Put the password in %APPDATA%\postgresql\pgpass.conf of the account that runs the task (host:port:database:user:password), and register again with a connection without a password.")
                { ParameterName = "Connection" };
            passFile = Path.GetFullPath(connectionFile ?? Path.Combine(ConfigDirectory(scope), "pgpass"));
        }
        else if (connectionFile is not null)
        {
            passFile = Path.GetFullPath(connectionFile);
            if (!File.Exists(passFile))
                throw new PgPerfException(PgPerfErrorIds.Schedule.ConnectionFileNotFound, PgPerfErrorKind.ObjectNotFound,
                    $"-ConnectionFile '{connectionFile}' does not exist. Create the pgpass file (host:port:database:user:password, chmod 600), or pass a connection with a password (-Credential) and PgPerf writes it there.")
                { ParameterName = "ConnectionFile" };
            if (!_env.IsWindows && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(passFile) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)) != 0)
                throw new PgPerfException(PgPerfErrorIds.Schedule.ConnectionFileNotPrivate, PgPerfErrorKind.InvalidArgument,
                    $"-ConnectionFile '{connectionFile}' can be read by other users; libpq and PgPerf need it owner-only. Run: chmod 600 '{passFile}'.")
                { ParameterName = "ConnectionFile" };
        }

        if (passFile is not null) builder["Passfile"] = passFile;
        return (builder.ConnectionString, passFile, writes);
    }

    /// <summary>
    /// Adds or replaces the target's line in an owner-only (0600) pgpass file; refuses anything else. With
    /// <paramref name="claim"/> (<see cref="PgPassClaims.Of"/>) the line is recorded as used by that job, so
    /// unregistering the last job that uses it removes it again (<see cref="ReleasePassword"/>).
    /// </summary>
    public void WritePassword(PgConnectionInfo target, string passFile, string? claim = null)
    {
        if (_env.IsWindows || OperatingSystem.IsWindows())
            throw new PgPerfException(PgPerfErrorIds.Schedule.PasswordNotAllowed, PgPerfErrorKind.InvalidArgument,
                "PgPerf writes passwords only to owner-only (0600) files, which it cannot guarantee on Windows.") { ParameterName = "Connection" };
        var folder = Path.GetDirectoryName(passFile)!;
        if (!Directory.Exists(folder))
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var existing = File.Exists(passFile) ? File.ReadAllText(passFile) : "";
        var line = PgPassText.Line(target.Host, target.Port, target.Database, target.Username, target.Password!);
        WritePrivateFile(passFile, claim is null ? PgPassText.Upsert(existing, line) : PgPassClaims.Claim(existing, line, claim));
    }

    /// <summary>
    /// After <paramref name="task"/> is unregistered: takes it off the pgpass lines registration added for it, removes
    /// those no other registered job uses, and deletes PgPerf's own pgpass file once nothing is left in it. Lines the
    /// user wrote are kept. Returns the files a password line was removed from.
    /// </summary>
    public IReadOnlyList<string> ReleasePassword(PgScheduledTask task)
    {
        var removedFrom = new List<string>();
        if (_env.IsWindows || OperatingSystem.IsWindows())
            return removedFrom;
        var claim = PgPassClaims.Of(task.Job, task.Scheduler, task.Scope);
        var ownFile = Path.GetFullPath(Path.Combine(ConfigDirectory(task.Scope), "pgpass"));
        var files = new List<string> { ownFile };
        // A -ConnectionFile given at registration is named in the entry's connection string (Passfile=...).
        foreach (var text in new[] { task.Command, task.Content })
        {
            var match = System.Text.RegularExpressions.Regex.Match(text ?? "", "Passfile=([^;'\"]+)");
            if (match.Success && Path.IsPathFullyQualified(match.Groups[1].Value))
                files.Add(Path.GetFullPath(match.Groups[1].Value));
        }

        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(file)) continue;
            var before = File.ReadAllText(file);
            var after = PgPassClaims.Release(before, claim);
            if (after == before) continue;
            if (file == ownFile && PgPassClaims.IsEmpty(after))
                File.Delete(file);
            else
                WritePrivateFile(file, after);
            // The text also changes when only the comment loses this job (another job still uses the line).
            if (PgPassClaims.PasswordLines(after) < PgPassClaims.PasswordLines(before))
                removedFrom.Add(file);
        }
        return removedFrom;
    }

    // Writes a new 0600 file and moves it into place, so a password is never in a file others can read.
    // Callers return early on Windows, where the pgpass file lives under the user's own profile instead.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void WritePrivateFile(string passFile, string text)
    {
        var folder = Path.GetDirectoryName(passFile)!;
        var temp = passFile + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                writer.Write(text);
            File.SetUnixFileMode(temp, OwnerOnly);
            if (File.GetUnixFileMode(temp) != OwnerOnly)
                throw new PgPerfException(PgPerfErrorIds.Schedule.PasswordNotAllowed, PgPerfErrorKind.InvalidArgument,
                    $"The file system at '{folder}' does not keep owner-only permissions, so PgPerf will not write a password there. Pass -ConnectionFile on a local file system.")
                { ParameterName = "ConnectionFile" };
            File.Move(temp, passFile, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private IJobScheduler Scheduler(PgSchedulerKind kind) =>
        _schedulers.FirstOrDefault(x => x.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), "Resolve the scheduler first.");

    private static PgPerfException Unavailable(string message) =>
        new(PgPerfErrorIds.Schedule.SchedulerUnavailable, PgPerfErrorKind.NotInstalled, message) { ParameterName = "Scheduler" };
}
