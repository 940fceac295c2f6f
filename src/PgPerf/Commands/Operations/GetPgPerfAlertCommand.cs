using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists alerts from pgperf.performance_alerts, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "PgPerfAlert")]
[OutputType(typeof(PgPerfAlert))]
public sealed class GetPgPerfAlertCommand : PgPerfCmdlet
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

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        // slow_query alerts are raised by the query-log writer.
        ReadYourWrites.FlushPendingQueryLog(this, Engine, target);
        var filter = new PgAlertFilter
        {
            Ids = Id,
            Since = Since is { } since ? new DateTimeOffset(since.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(since, DateTimeKind.Local) : since).ToUniversalTime() : null,
            Types = Type,
            Severities = Severity,
            OpenOnly = Open,
            Top = Top,
        };
        foreach (var alert in InstalledService<IAlertService>(target).Get(filter, CancellationToken))
            WriteObject(alert);
    }
}
