namespace PgPerf;

/// <summary>What kind of failure an error is; cmdlets map it to a PowerShell ErrorCategory.</summary>
public enum PgPerfErrorKind
{
    InvalidArgument,
    ConnectionError,
    AuthenticationError,
    PermissionDenied,
    ObjectNotFound,
    NotInstalled,
    ResourceBusy,
    OperationTimeout,
    InvalidOperation,
    InvalidData,
}

/// <summary>
/// The one exception type that crosses from the Engine to the cmdlets. ErrorId is stable
/// (scripts and tests match on it); the message says what was wrong and what to do.
/// </summary>
public sealed class PgPerfException : Exception
{
    public PgPerfException(string errorId, PgPerfErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public PgPerfErrorKind Kind { get; }
    public object? Target { get; }

    /// <summary>The parameter that was wrong, when the error is about one.</summary>
    public string? ParameterName { get; init; }

    /// <summary>
    /// The server the message already names in front (set by <see cref="NamingServer"/>), so that no later layer of a call
    /// over many servers names it a second time; null while the message names none that way.
    /// </summary>
    public string? NamedServer { get; private init; }

    /// <summary>This error with <paramref name="server"/> put in front of its message, or itself when it already names one that way.</summary>
    public PgPerfException NamingServer(string server) =>
        NamedServer is not null
            ? this
            : new PgPerfException(ErrorId, Kind, $"{server}: {Message}", Target, this) { ParameterName = ParameterName, NamedServer = server };
}
