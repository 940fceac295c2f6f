namespace PgPerf;

/// <summary>
/// One value of -Connection: connection text (a connection string, a postgresql:// URI or host[:port][/database])
/// or a PgConnectionInfo (from Connect-PgServer, or the Connection of a PgPerf output row). Later a server
/// registered in a central repository becomes a third kind; cmdlets only ever see the PgConnectionInfo it resolves to.
/// </summary>
/// <remarks>
/// PowerShell converts a string or a PgConnectionInfo to this type through the constructors, and nothing else:
/// so strings and PgConnectionInfo bind to -Connection by value from the pipeline, while a report row piped into
/// Remove-PgIndex or Stop-PgSession does not (it binds its own Connection property by name instead).
/// Text is parsed when the cmdlet runs, so a malformed value is one target's error, not a binding failure.
/// </remarks>
public sealed class PgTarget
{
    private readonly string? _text;
    private readonly PgConnectionInfo? _info;

    public PgTarget(string text) => _text = text;

    public PgTarget(PgConnectionInfo info) => _info = info ?? throw new ArgumentNullException(nameof(info));

    /// <summary>The target as a PgConnectionInfo; throws PgPerf.Connection.InvalidConnectionString for bad text.</summary>
    internal PgConnectionInfo Resolve() => _info ?? PgConnectionParser.Parse(_text ?? "");

    // Never the text itself: a connection string may hold a password.
    public override string ToString() => _info?.ToString() ?? "(connection text)";
}
