using System.Diagnostics;
using System.Text;

namespace PgPerf.Engine.Operations;

/// <summary>Runs a program and returns its exit code and output (replaceable in tests).</summary>
internal interface IPgProcessRunner
{
    (int ExitCode, string Output, string Error) Run(string file, IReadOnlyList<string> arguments, string? input = null);
}

/// <summary>The real machine: its scheduling environment, its programs and files, as the schedulers use them.</summary>
internal static class SchedulerMachine
{
    public static PgSchedulerEnvironment Current() => new()
    {
        IsWindows = OperatingSystem.IsWindows(),
        Which = FindOnPath,
        SystemdRunning = !OperatingSystem.IsWindows() && Directory.Exists("/run/systemd/system"),
        UserName = Environment.UserName,
        HomeDirectory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        XdgConfigHome = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME"),
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

    public static void WriteFile(string path, string text, UnixFileMode? mode)
    {
        File.WriteAllText(path, text, new UTF8Encoding(false));
        if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, m);
    }

    /// <summary>Throws PgPerf.Schedule.Failed with the program's own words when it exited non-zero.</summary>
    public static void Check((int ExitCode, string Output, string Error) result, string what)
    {
        if (result.ExitCode != 0) throw Failed(what, result.Error.Length > 0 ? result.Error : result.Output);
    }

    public static PgPerfException Failed(string what, string error) =>
        new(PgPerfErrorIds.Schedule.Failed, PgPerfErrorKind.InvalidOperation, $"{what} failed: {error.Trim()}");
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
