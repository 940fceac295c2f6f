using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists alerts from pgperf.performance_alerts, newest first; with -Repository, those of its registered servers.</summary>
[Cmdlet(VerbsCommon.Get, "PgPerfAlert")]
[OutputType(typeof(PgPerfAlert))]
public sealed class GetPgPerfAlertCommand : PgRepositoryReaderCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public long[]? Id { get; set; }

    /// <summary>Only alerts seen (last) at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Type { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public PgAlertSeverity[]? Severity { get; set; }

    /// <summary>Only alerts that are not resolved.</summary>
    [Parameter]
    public SwitchParameter Open { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    // A registered server's alerts are in the repository, which alone is reached (the server itself may be down).
    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = ReadFrom(target);
        // slow_query alerts are raised by the query-log writer of the database itself.
        if (server is null)
            ReadYourWrites.FlushPendingQueryLog(this, Engine, target);
        var filter = new PgAlertFilter
        {
            Ids = Id,
            Since = Since is { } since ? new DateTimeOffset(since.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(since, DateTimeKind.Local) : since).ToUniversalTime() : null,
            Types = Type,
            Severities = Severity,
            OpenOnly = Open,
            Top = Top,
            Server = server,
        };
        foreach (var alert in InstalledService<IAlertService>(source).Get(filter, CancellationToken))
            WriteObject(alert);
    }
}
