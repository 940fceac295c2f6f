using System.Data.Common;
using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace PgPerf;

/// <summary>Runs a program and returns its exit code and output (replaceable in tests).</summary>
public interface IPgProcessRunner
{
    (int ExitCode, string Output, string Error) Run(string file, IReadOnlyList<string> arguments, string? input = null);
}

/// <summary>What the machine offers; Current reads the real machine, tests pass their own.</summary>
public sealed record PgSchedulerEnvironment
{
    public bool IsWindows { get; init; }

    /// <summary>Finds a program on PATH; null when missing.</summary>
    public Func<string, string?> Which { get; init; } = _ => null;

    /// <summary>True when systemd is PID 1 (sd_booted: /run/systemd/system exists).</summary>
    public bool SystemdRunning { get; init; }

    public string UserName { get; init; } = Environment.UserName;
    public string HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    public string? XdgConfigHome { get; init; } = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");

    public static PgSchedulerEnvironment Current => new()
    {
        IsWindows = OperatingSystem.IsWindows(),
        Which = FindOnPath,
        SystemdRunning = !OperatingSystem.IsWindows() && Directory.Exists("/run/systemd/system"),
    };

    public static string? FindOnPath(string program)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? new[] { program + ".exe", program } : new[] { program })
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}

/// <summary>
/// Registers, lists and removes PgPerf's scheduled jobs in cron, systemd or Windows Task Scheduler, and writes
/// the owner-only pgpass file a job reads its password from. Rendering lives in PgScheduleRenderer.
/// </summary>
public sealed class PgScheduledTaskManager
{
    private const string SystemConfigDirectory = "/etc/pgperf";
    private const string SystemUnitDirectory = "/etc/systemd/system";
    private const string CronDirectory = "/etc/cron.d";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly IPgProcessRunner _runner;
    private readonly PgSchedulerEnvironment _env;

    public PgScheduledTaskManager(IPgProcessRunner? runner = null, PgSchedulerEnvironment? environment = null)
    {
        _runner = runner ?? new PgProcessRunner();
        _env = environment ?? PgSchedulerEnvironment.Current;
    }

    /// <summary>Overrides /etc/cron.d and /etc/systemd/system (tests only).</summary>
    public string? SystemRootOverride { get; init; }

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
    public PgScheduledTask Render(PgJobEntry entry, PgSchedulerKind scheduler, string? connectionFile)
    {
        var task = new PgScheduledTask { Job = entry.Job, Scheduler = scheduler, Scope = entry.Scope, ConnectionFile = connectionFile };
        switch (scheduler)
        {
            case PgSchedulerKind.Cron:
                task.Schedule = PgScheduleRenderer.CronSchedule(entry);
                task.Command = PgScheduleRenderer.ShellCommand(entry);
                task.Location = CronLocation(entry.Job, entry.Scope);
                task.Content = entry.Scope == PgTaskScope.System ? PgScheduleRenderer.CronFile(entry) : PgScheduleRenderer.CronLine(entry);
                break;
            case PgSchedulerKind.Systemd:
                var unit = PgScheduleRenderer.SystemdUnitName(entry.Job);
                task.Schedule = PgScheduleRenderer.SystemdCalendar(entry);
                task.Command = PgScheduleRenderer.ShellCommand(entry);
                task.Location = Path.Combine(UnitDirectory(entry.Scope), unit + ".timer");
                task.Content = $"# {Path.Combine(UnitDirectory(entry.Scope), unit + ".service")}\n{PgScheduleRenderer.SystemdService(entry)}\n" +
                    $"# {task.Location}\n{PgScheduleRenderer.SystemdTimer(entry)}";
                break;
            case PgSchedulerKind.TaskScheduler:
                task.Schedule = PgScheduleRenderer.TaskSchedule(entry);
                task.Command = $"\"{entry.PwshPath}\" {PgScheduleRenderer.WindowsArguments(entry)}";
                task.Location = PgScheduleRenderer.TaskName(entry.Job);
                task.Content = PgScheduleRenderer.TaskXml(entry);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheduler), "Resolve the scheduler first.");
        }
        return task;
    }

    /// <summary>Registers (or replaces) the job's entry and returns what is now registered.</summary>
    public PgScheduledTask Register(PgJobEntry entry, PgSchedulerKind scheduler, string? connectionFile)
    {
        var task = Render(entry, scheduler, connectionFile);
        switch (scheduler)
        {
            case PgSchedulerKind.Cron when entry.Scope == PgTaskScope.User:
                WriteCrontab(PgCrontab.Upsert(ReadCrontab(), entry.Job, PgScheduleRenderer.CronLine(entry)));
                break;
            case PgSchedulerKind.Cron:
                Directory.CreateDirectory(CronDir);
                WriteFile(task.Location, task.Content, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                break;
            case PgSchedulerKind.Systemd:
                var dir = UnitDirectory(entry.Scope);
                var unit = PgScheduleRenderer.SystemdUnitName(entry.Job);
                Directory.CreateDirectory(dir);
                WriteFile(Path.Combine(dir, unit + ".service"), PgScheduleRenderer.SystemdService(entry), null);
                WriteFile(Path.Combine(dir, unit + ".timer"), PgScheduleRenderer.SystemdTimer(entry), null);
                Systemctl(entry.Scope, "daemon-reload");
                Systemctl(entry.Scope, "enable", "--now", unit + ".timer");
                break;
            case PgSchedulerKind.TaskScheduler:
                var xmlPath = Path.Combine(Path.GetTempPath(), $"pgperf-task-{Guid.NewGuid():N}.xml");
                try
                {
                    File.WriteAllText(xmlPath, task.Content, Encoding.Unicode);
                    Check(_runner.Run("schtasks", PgScheduleRenderer.SchtasksCreateArguments(entry.Job, xmlPath)), "schtasks /Create");
                }
                finally
                {
                    File.Delete(xmlPath);
                }
                break;
        }
        return task;
    }

    /// <summary>Registered PgPerf jobs; Auto looks in every scheduler that exists here.</summary>
    public IReadOnlyList<PgScheduledTask> Get(PgJobKind? job, PgSchedulerKind scheduler, PgTaskScope? scope)
    {
        var found = new List<PgScheduledTask>();
        bool Wants(PgSchedulerKind kind) => scheduler == PgSchedulerKind.Auto || scheduler == kind;
        var scopes = scope is { } s ? new[] { s } : Enum.GetValues<PgTaskScope>();
        var jobs = job is { } j ? new[] { j } : Enum.GetValues<PgJobKind>();

        if (!_env.IsWindows && Wants(PgSchedulerKind.Cron))
        {
            if (scopes.Contains(PgTaskScope.User) && _env.Which("crontab") is not null)
            {
                foreach (var (lineJob, line) in PgCrontab.Find(ReadCrontab()).Where(x => jobs.Contains(x.Job)))
                    found.Add(FromCronLine(lineJob, line, PgTaskScope.User, CronLocation(lineJob, PgTaskScope.User)));
            }
            if (scopes.Contains(PgTaskScope.System))
            {
                foreach (var fileJob in jobs)
                {
                    var path = CronLocation(fileJob, PgTaskScope.System);
                    if (!File.Exists(path)) continue;
                    foreach (var (lineJob, line) in PgCrontab.Find(File.ReadAllText(path)).Where(x => x.Job == fileJob))
                        found.Add(FromCronLine(lineJob, line, PgTaskScope.System, path));
                }
            }
        }

        if (!_env.IsWindows && Wants(PgSchedulerKind.Systemd))
        {
            foreach (var unitScope in scopes)
            foreach (var unitJob in jobs)
            {
                var dir = UnitDirectory(unitScope);
                var unit = PgScheduleRenderer.SystemdUnitName(unitJob);
                var timer = Path.Combine(dir, unit + ".timer");
                var service = Path.Combine(dir, unit + ".service");
                if (!File.Exists(timer) || !File.Exists(service)) continue;
                var timerText = File.ReadAllText(timer);
                var serviceText = File.ReadAllText(service);
                found.Add(new PgScheduledTask
                {
                    Job = unitJob, Scheduler = PgSchedulerKind.Systemd, Scope = unitScope, Location = timer,
                    Schedule = ValueOf(timerText, "OnCalendar="), Command = ValueOf(serviceText, "ExecStart="),
                    Content = $"# {service}\n{serviceText}\n# {timer}\n{timerText}",
                });
            }
        }

        if (_env.IsWindows && Wants(PgSchedulerKind.TaskScheduler))
        {
            foreach (var taskJob in jobs)
            {
                var (exit, output, _) = _runner.Run("schtasks", PgScheduleRenderer.SchtasksQueryArguments(taskJob));
                if (exit != 0) continue;
                var xml = XDocument.Parse(output);
                XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
                var system = xml.Descendants(ns + "UserId").Any(u => u.Value is "S-1-5-18" or "SYSTEM");
                if (scope is { } wanted && wanted != (system ? PgTaskScope.System : PgTaskScope.User)) continue;
                found.Add(new PgScheduledTask
                {
                    Job = taskJob, Scheduler = PgSchedulerKind.TaskScheduler, Scope = system ? PgTaskScope.System : PgTaskScope.User,
                    Location = PgScheduleRenderer.TaskName(taskJob),
                    Schedule = xml.Descendants(ns + "Interval").Any() ? "every hour at minute 0" : "daily at " + (xml.Descendants(ns + "StartBoundary").FirstOrDefault()?.Value is { Length: >= 16 } b ? b[11..16] : "?"),
                    Command = $"\"{xml.Descendants(ns + "Command").FirstOrDefault()?.Value}\" {xml.Descendants(ns + "Arguments").FirstOrDefault()?.Value}",
                    Content = output,
                });
            }
        }
        return found;
    }

    /// <summary>
    /// Removes one registered entry (other crontab lines and other jobs are kept), then the pgpass line registration
    /// wrote for it if no other registered job uses it. Returns the pgpass files a password line was removed from.
    /// </summary>
    public IReadOnlyList<string> Unregister(PgScheduledTask task)
    {
        switch (task.Scheduler)
        {
            case PgSchedulerKind.Cron when task.Scope == PgTaskScope.User:
                WriteCrontab(PgCrontab.Remove(ReadCrontab(), task.Job));
                break;
            case PgSchedulerKind.Cron:
                File.Delete(CronLocation(task.Job, PgTaskScope.System));
                break;
            case PgSchedulerKind.Systemd:
                var dir = UnitDirectory(task.Scope);
                var unit = PgScheduleRenderer.SystemdUnitName(task.Job);
                if (_env.SystemdRunning)
                    _runner.Run("systemctl", SystemctlArgs(task.Scope, "disable", "--now", unit + ".timer"));
                File.Delete(Path.Combine(dir, unit + ".timer"));
                File.Delete(Path.Combine(dir, unit + ".service"));
                if (_env.SystemdRunning)
                    Systemctl(task.Scope, "daemon-reload");
                break;
            case PgSchedulerKind.TaskScheduler:
                Check(_runner.Run("schtasks", PgScheduleRenderer.SchtasksDeleteArguments(task.Job)), "schtasks /Delete");
                break;
        }
        return ReleasePassword(task);
    }

    /// <summary>The folder for PgPerf's job files: ~/.config/pgperf (User) or /etc/pgperf (System); %APPDATA%\PgPerf on Windows.</summary>
    public string ConfigDirectory(PgTaskScope scope)
    {
        if (_env.IsWindows)
            return Path.Combine(Environment.GetFolderPath(scope == PgTaskScope.System ? Environment.SpecialFolder.CommonApplicationData : Environment.SpecialFolder.ApplicationData), "PgPerf");
        if (scope == PgTaskScope.System)
            return SystemRootOverride is null ? SystemConfigDirectory : Path.Combine(SystemRootOverride, "pgperf");
        return Path.Combine(string.IsNullOrEmpty(_env.XdgConfigHome) ? Path.Combine(_env.HomeDirectory, ".config") : _env.XdgConfigHome, "pgperf");
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

    private string CronDir => SystemRootOverride is null ? CronDirectory : Path.Combine(SystemRootOverride, "cron.d");

    private string CronLocation(PgJobKind job, PgTaskScope scope) =>
        scope == PgTaskScope.System ? Path.Combine(CronDir, PgScheduleRenderer.SystemdUnitName(job)) : $"crontab of user {_env.UserName}";

    private string UnitDirectory(PgTaskScope scope) => scope == PgTaskScope.System
        ? (SystemRootOverride is null ? SystemUnitDirectory : Path.Combine(SystemRootOverride, "systemd", "system"))
        : Path.Combine(string.IsNullOrEmpty(_env.XdgConfigHome) ? Path.Combine(_env.HomeDirectory, ".config") : _env.XdgConfigHome, "systemd", "user");

    private static PgScheduledTask FromCronLine(PgJobKind job, string line, PgTaskScope scope, string location) => new()
    {
        Job = job, Scheduler = PgSchedulerKind.Cron, Scope = scope, Location = location,
        Schedule = PgCrontab.ScheduleOf(line), Command = PgCrontab.CommandOf(line, scope == PgTaskScope.System), Content = line,
    };

    private string ReadCrontab()
    {
        var (exit, output, error) = _runner.Run("crontab", new[] { "-l" });
        if (exit == 0) return output;
        if (error.Contains("no crontab", StringComparison.OrdinalIgnoreCase)) return "";
        throw Failed("crontab -l", error);
    }

    private void WriteCrontab(string text) => Check(_runner.Run("crontab", new[] { "-" }, text), "crontab -");

    private void Systemctl(PgTaskScope scope, params string[] args) => Check(_runner.Run("systemctl", SystemctlArgs(scope, args)), "systemctl " + string.Join(' ', args));

    private static string[] SystemctlArgs(PgTaskScope scope, params string[] args) => scope == PgTaskScope.User ? new[] { "--user" }.Concat(args).ToArray() : args;

    private static void WriteFile(string path, string text, UnixFileMode? mode)
    {
        File.WriteAllText(path, text, new UTF8Encoding(false));
        if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, m);
    }

    private static string ValueOf(string unitText, string prefix) =>
        unitText.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..] ?? "";

    private static void Check((int ExitCode, string Output, string Error) result, string what)
    {
        if (result.ExitCode != 0) throw Failed(what, result.Error.Length > 0 ? result.Error : result.Output);
    }

    private static PgPerfException Failed(string what, string error) =>
        new(PgPerfErrorIds.Schedule.Failed, PgPerfErrorKind.InvalidOperation, $"{what} failed: {error.Trim()}");

    private static PgPerfException Unavailable(string message) =>
        new(PgPerfErrorIds.Schedule.SchedulerUnavailable, PgPerfErrorKind.NotInstalled, message) { ParameterName = "Scheduler" };
}

internal sealed class PgProcessRunner : IPgProcessRunner
{
    public (int ExitCode, string Output, string Error) Run(string file, IReadOnlyList<string> arguments, string? input = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (127, "", $"could not start {file}: {ex.Message}");
        }
    }
}
