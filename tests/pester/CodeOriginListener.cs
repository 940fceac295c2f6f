using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

/// <summary>
/// Counts, by type name, the methods the runtime JIT-compiles and the ones it takes precompiled from a ReadyToRun
/// image, from the runtime's own events (what `dotnet-trace` would record), in the process it runs in.
/// </summary>
public sealed class CodeOriginListener : EventListener
{
    private const long JitKeyword = 0x10;
    // Reports every precompiled method the runtime uses (the R2RGetEntryPoint event).
    private const long CompilationDiagnosticKeyword = 0x2000000000;

    public ConcurrentBag<string> Precompiled { get; } = new();
    public ConcurrentBag<string> Jitted { get; } = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)(JitKeyword | CompilationDiagnosticKeyword));
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        var field = e.PayloadNames?.IndexOf("MethodNamespace") ?? -1;
        if (field < 0 || e.Payload![field] is not string typeName)
            return;
        if (e.EventName == "R2RGetEntryPoint")
            Precompiled.Add(typeName);
        else if (e.EventName?.StartsWith("MethodJittingStarted") == true)
            Jitted.Add(typeName);
    }
}
