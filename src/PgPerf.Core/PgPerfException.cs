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
}
