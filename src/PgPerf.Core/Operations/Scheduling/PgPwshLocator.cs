namespace PgPerf;

/// <summary>
/// Finds the pwsh a scheduled entry runs: -PwshPath, else this process when it is a real pwsh, else pwsh on
/// PATH. 'dotnet pwsh' only works inside a folder with the tool manifest, so it is refused.
/// </summary>
public static class PgPwshLocator
{
    public static string Resolve(string? explicitPath, string? processPath, string? pathVariable, bool isWindows, Func<string, bool> fileExists)
    {
        var exe = isWindows ? "pwsh.exe" : "pwsh";
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            var full = Path.GetFullPath(explicitPath);
            if (IsDotnet(full))
                throw DotnetRefused(explicitPath, "PwshPath");
            if (!fileExists(full))
                throw new PgPerfException(PgPerfErrorIds.Schedule.PwshNotFound, PgPerfErrorKind.ObjectNotFound,
                    $"-PwshPath '{explicitPath}' does not exist. Give the full path of an installed pwsh executable, for example {(isWindows ? @"C:\Program Files\PowerShell\7\pwsh.exe" : "/usr/bin/pwsh")}.")
                { ParameterName = "PwshPath" };
            return full;
        }

        if (!string.IsNullOrEmpty(processPath) && string.Equals(Path.GetFileName(processPath), exe, isWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            return processPath;

        foreach (var folder in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, exe);
            if (Path.IsPathRooted(candidate) && fileExists(candidate))
                return candidate;
        }

        if (!string.IsNullOrEmpty(processPath) && IsDotnet(processPath))
            throw DotnetRefused(null, "PwshPath");
        throw new PgPerfException(PgPerfErrorIds.Schedule.PwshNotFound, PgPerfErrorKind.ObjectNotFound,
            $"No pwsh executable was found on PATH. Install PowerShell 7.4 or later, or pass -PwshPath with the full path of pwsh.")
        { ParameterName = "PwshPath" };
    }

    private static bool IsDotnet(string path) =>
        Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);

    private static PgPerfException DotnetRefused(string? given, string parameter) =>
        new(PgPerfErrorIds.Schedule.PwshIsDotnet, PgPerfErrorKind.InvalidArgument,
            (given is null ? "This session runs PowerShell as 'dotnet pwsh'" : $"-PwshPath '{given}' is the dotnet host") +
            ", which only starts PowerShell inside a folder with the repo's tool manifest, so a scheduled entry would fail. " +
            "Install PowerShell and pass -PwshPath with the full path of the pwsh executable (for example /usr/bin/pwsh or /opt/microsoft/powershell/7/pwsh).")
        { ParameterName = parameter };
}
