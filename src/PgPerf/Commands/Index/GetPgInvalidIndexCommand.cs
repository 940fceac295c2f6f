using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Lists invalid indexes left by failed concurrent builds (not the ones still being built). With -Repository, on every
/// registered server, read live from its catalog through its pg_monitor login.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgInvalidIndex")]
[OutputType(typeof(PgInvalidIndex))]
public sealed class GetPgInvalidIndexCommand : PgLiveServerCmdlet
{
    /// <summary>Also list invalid indexes in PgPerf's own schema (pgperf), which are left out by default.</summary>
    [Parameter]
    public SwitchParameter IncludePgPerf { get; set; }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var invalid = Engine.Get<IIndexService>(target).GetInvalid(CancellationToken);
        WriteRows(target, invalid.Where(i => IncludePgPerf || !PgPerfOwnObjects.IsOwnSchema(i.Schema)));
    }
}
