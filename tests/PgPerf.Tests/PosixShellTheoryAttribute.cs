using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// A theory that runs a real POSIX shell: on Windows it is reported as skipped, with the reason, instead of
/// passing without having run.
/// </summary>
public sealed class PosixShellTheoryAttribute : TheoryAttribute
{
    public PosixShellTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs /bin/sh, which Windows does not have";
    }
}
