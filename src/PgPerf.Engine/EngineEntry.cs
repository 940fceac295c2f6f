namespace PgPerf.Engine;

/// <summary>The one public door into the Engine; the module's bridge calls it once.</summary>
public static class EngineEntry
{
    public static IPgPerfEngine Create() => new PgPerfEngine();
}
