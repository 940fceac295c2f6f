using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace PgPerf;

/// <summary>
/// Hooks the default load context so that PgPerf.Engine, and through it Npgsql and Dapper, load
/// from deps/ into a private context. Another module's Npgsql in the session then cannot clash with ours.
/// </summary>
public sealed class PgPerfModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string EngineName = "PgPerf.Engine";

    private static readonly string DepsFolder = EngineFolder(
        Path.Combine(Path.GetDirectoryName(typeof(PgPerfModuleInitializer).Assembly.Location)!, "deps"));

    internal static readonly PgPerfLoadContext LoadContext = new(DepsFolder);

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveEngine;

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        // Records Measure-PgQuery queued for the background writer are written (or spooled) before the module goes.
        EngineBridge.IfLoaded?.QueryLog.FlushAll(TimeSpan.FromSeconds(10));
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
    }

    /// <summary>
    /// deps/ holds the Engine built for net8.0, IL only, which every supported PowerShell can run. On .NET 10 and
    /// later (PowerShell 7.6) deps/net10.0/ holds it built for net10.0 and precompiled (ReadyToRun, by build.ps1):
    /// the runtime uses precompiled code only from images made by its own major version's compiler, and without it
    /// a fresh process JIT-compiles some 1,800 methods of Npgsql, Dapper and the Engine before its first report.
    /// </summary>
    internal static string EngineFolder(string deps)
    {
        var precompiled = Path.Combine(deps, "net10.0");
        return Environment.Version.Major >= 10 && File.Exists(Path.Combine(precompiled, EngineName + ".dll"))
            ? precompiled
            : deps;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineName ? LoadContext.LoadFromAssemblyName(name) : null;
}

/// <summary>The private context for the Engine and its dependencies.</summary>
internal sealed class PgPerfLoadContext : AssemblyLoadContext
{
    private readonly string _folder;
    private readonly Dictionary<string, Version?> _platformVersions;

    public PgPerfLoadContext(string folder) : base("PgPerf.Engine", isCollectible: false)
    {
        _folder = folder;
        _platformVersions = PlatformAssemblies();
    }

    protected override Assembly? Load(AssemblyName name)
    {
        // Core is shared with the cmdlets: its types are the contract across the boundary.
        if (name.Name is null || name.Name == "PgPerf.Core")
            return null;

        var path = Path.Combine(_folder, name.Name + ".dll");
        if (!File.Exists(path))
            return null;

        // A framework assembly at least as new as the one asked for beats our copy, which is only
        // there for older runtimes (DiagnosticSource 10 on .NET 8, for example).
        if (_platformVersions.TryGetValue(name.Name, out var platform) && platform is not null
            && (name.Version is null || platform >= name.Version))
            return null;

        return LoadFromAssemblyPath(path);
    }

    private static Dictionary<string, Version?> PlatformAssemblies()
    {
        var result = new Dictionary<string, Version?>(StringComparer.OrdinalIgnoreCase);
        var runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string list)
            return result;
        foreach (var file in list.Split(Path.PathSeparator))
        {
            // Only the runtime's own folder counts; the host's private copies are not the framework.
            if (!string.Equals(Path.GetDirectoryName(file), runtimeFolder, StringComparison.Ordinal))
                continue;
            try
            {
                result[Path.GetFileNameWithoutExtension(file)] = AssemblyName.GetAssemblyName(file).Version;
            }
            catch (BadImageFormatException)
            {
                // Native files can sit in the list; they are not assemblies.
            }
        }
        return result;
    }
}
