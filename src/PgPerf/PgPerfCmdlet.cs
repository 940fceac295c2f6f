using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PgPerf;

/// <summary>
/// Base of every PgPerf cmdlet: the Engine, cancellation on Ctrl+C, the session default target,
/// and PgPerfException to ErrorRecord translation.
/// </summary>
public abstract class PgPerfCmdletBase : PSCmdlet, IDisposable
{
    // Per runspace, so two runspaces in one process never share a default target.
    private protected static readonly ConditionalWeakTable<Runspace, PgConnectionInfo> SessionDefaults = new();

    private readonly CancellationTokenSource _cancellation = new();

    protected CancellationToken CancellationToken => _cancellation.Token;

    protected static IPgPerfEngine Engine => EngineBridge.Engine;

    protected override void StopProcessing() => _cancellation.Cancel();

    public void Dispose()
    {
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }

    internal static bool TryGetSessionDefault(Runspace runspace, out PgConnectionInfo info) =>
        SessionDefaults.TryGetValue(runspace, out info!);

    internal static void SetSessionDefault(PgConnectionInfo info)
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace is not null)
            SessionDefaults.AddOrUpdate(runspace, info.WithSource(PgConnectionSource.SessionDefault));
    }

    /// <summary>The Engine service T for a target, after checking the pgperf schema is installed and current.</summary>
    protected T InstalledService<T>(PgConnectionInfo target) where T : class
    {
        Engine.Get<ISchemaService>(target).EnsureInstalled(CancellationToken);
        return Engine.Get<T>(target);
    }

    /// <summary>Runs one item's work; a PgPerfException becomes a non-terminating error and false.</summary>
    protected bool TryInvoke(Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (PgPerfException ex)
        {
            WriteError(ToErrorRecord(ex));
            return false;
        }
    }

    protected void ThrowTerminating(PgPerfException ex) => ThrowTerminatingError(ToErrorRecord(ex));

    protected static ErrorRecord ToErrorRecord(PgPerfException ex)
    {
        var record = new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), ex.Target);
        if (ex.ParameterName is not null)
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = $"Correct the value of -{ex.ParameterName}." };
        return record;
    }

    protected static ErrorCategory Category(PgPerfErrorKind kind) => kind switch
    {
        PgPerfErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        PgPerfErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        PgPerfErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        PgPerfErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        PgPerfErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        PgPerfErrorKind.NotInstalled => ErrorCategory.NotInstalled,
        PgPerfErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        PgPerfErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        PgPerfErrorKind.InvalidData => ErrorCategory.InvalidData,
        _ => ErrorCategory.InvalidOperation,
    };
}

/// <summary>A PgPerf cmdlet that works on a target: -Connection and -Credential, resolved the same way everywhere.</summary>
public abstract class PgPerfCmdlet : PgPerfCmdletBase
{
    /// <summary>A connection string, a PgConnectionInfo from Connect-PgServer, or host[:port][/database].</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public object? Connection { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>-Connection, then the session default, then PGPERF_CONNECTION, then libpq's PG* variables.</summary>
    protected PgConnectionInfo ResolveConnection()
    {
        PgConnectionInfo? info = Connection switch
        {
            null => null,
            PSObject { BaseObject: var inner } => FromObject(inner),
            var other => FromObject(other),
        };

        if (info is null && Runspace.DefaultRunspace is { } runspace && TryGetSessionDefault(runspace, out var sessionDefault))
            info = sessionDefault;
        info ??= PgConnectionParser.FromEnvironment();
        if (info is null)
            throw new PgPerfException("PgPerf.Connection.NotSpecified", PgPerfErrorKind.InvalidArgument,
                "No PostgreSQL target given. Use -Connection, run Connect-PgServer, or set PGPERF_CONNECTION (or PGHOST/PGDATABASE/PGUSER).")
            { ParameterName = "Connection" };

        if (Credential is not null)
            info = info.WithPassword(Credential.UserName, Credential.GetNetworkCredential().Password);
        return info;
    }

    private static PgConnectionInfo FromObject(object value) => value switch
    {
        PgConnectionInfo info => info,
        string text => PgConnectionParser.Parse(text),
        _ => throw new PgPerfException(PgConnectionParser.InvalidErrorId, PgPerfErrorKind.InvalidArgument,
            $"-Connection got a {value.GetType().Name}; give a connection string, host[:port][/database], or the object Connect-PgServer returns.")
        { ParameterName = "Connection" },
    };
}
