using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PgPerf;

/// <summary>
/// Base of every PgPerf cmdlet: the Engine, cancellation on Ctrl+C, the session default target,
/// and PgPerfException to ErrorRecord translation.
/// </summary>
public abstract partial class PgPerfCmdletBase : PSCmdlet, IDisposable
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

    protected static ErrorRecord ToErrorRecord(PgPerfException ex, object? target = null)
    {
        var record = new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), target ?? ex.Target);
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

/// <summary>
/// A PgPerf cmdlet that works on targets: -Connection (one or many, array or pipeline), -Credential and
/// -ThrottleLimit, resolved the same way everywhere. A cmdlet implements ProcessTarget for one target; the loop,
/// parallel runs, one error per failed target and progress live in PgPerfCmdlet.Targets.cs.
/// </summary>
public abstract partial class PgPerfCmdlet : PgPerfCmdletBase
{
    /// <summary>Connection strings, PgConnectionInfo objects (Connect-PgServer, a row's Connection) or host[:port][/database].</summary>
    /// <remarks>
    /// Virtual so that a cmdlet whose piped objects are records, not targets, can declare it by property name only:
    /// PowerShell reads the attributes of the override alone (see Send-PgQueryLog).
    /// </remarks>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public virtual PgTarget[]? Connection { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>How many targets run at the same time.</summary>
    [Parameter]
    [ValidateRange(1, MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <summary>
    /// The one target of a cmdlet that works on a single server per call (SingleTarget): -Connection, then the
    /// session default, then PGPERF_CONNECTION, then libpq's PG* variables.
    /// </summary>
    protected PgConnectionInfo ResolveConnection()
    {
        var targets = ResolveTargets();
        if (targets.Count > 1)
            throw SeveralTargets(targets.Count);
        return targets[0].Info ?? throw targets[0].Error!;
    }

    /// <summary>Every target of this record: each -Connection value, or else the default one.</summary>
    private List<ResolvedTarget> ResolveTargets()
    {
        var targets = new List<ResolvedTarget>();
        if (Connection is { Length: > 0 })
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < Connection.Length; i++)
            {
                try
                {
                    var info = WithCredential(Connection[i].Resolve());
                    // The same target twice (a name typed twice, a list with repeats) runs once.
                    if (seen.Add(info.CacheKey))
                        targets.Add(new ResolvedTarget(info, null, info.Server));
                }
                catch (PgPerfException ex)
                {
                    if (Connection.Length == 1)
                    {
                        targets.Add(new ResolvedTarget(null, ex, "-Connection"));
                        continue;
                    }
                    var label = $"-Connection value {i + 1}";
                    targets.Add(new ResolvedTarget(null, new PgPerfException(ex.ErrorId, ex.Kind, $"{label}: {ex.Message}", ex.Target, ex) { ParameterName = ex.ParameterName }, label));
                }
            }
            return targets;
        }

        PgConnectionInfo? fallback = null;
        if (Runspace.DefaultRunspace is { } runspace && TryGetSessionDefault(runspace, out var sessionDefault))
            fallback = sessionDefault;
        fallback ??= PgConnectionParser.FromEnvironment();
        if (fallback is null)
            throw new PgPerfException(PgPerfErrorIds.Connection.NotSpecified, PgPerfErrorKind.InvalidArgument,
                "No PostgreSQL target given. Use -Connection, run Connect-PgServer, or set PGPERF_CONNECTION (or PGHOST/PGDATABASE/PGUSER).")
            { ParameterName = "Connection" };
        var resolved = WithCredential(fallback);
        targets.Add(new ResolvedTarget(resolved, null, resolved.Server));
        return targets;
    }

    private protected PgConnectionInfo WithCredential(PgConnectionInfo info) =>
        Credential is null ? info : info.WithPassword(Credential.UserName, Credential.GetNetworkCredential().Password);
}
