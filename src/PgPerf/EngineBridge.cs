using System.Runtime.CompilerServices;

namespace PgPerf;

/// <summary>The only place that names an Engine type; everything else sees IPgPerfEngine.</summary>
internal static class EngineBridge
{
    private static readonly Lazy<IPgPerfEngine> Instance = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IPgPerfEngine Engine => Instance.Value;

    /// <summary>The Engine if something already loaded it, else null (so removing the module does not load it).</summary>
    public static IPgPerfEngine? IfLoaded => Instance.IsValueCreated ? Instance.Value : null;

    // Not inlined, so the JIT resolves PgPerf.Engine only when this runs, after the module
    // initializer has hooked the load context.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IPgPerfEngine Create() => PgPerf.Engine.EngineEntry.Create();
}
