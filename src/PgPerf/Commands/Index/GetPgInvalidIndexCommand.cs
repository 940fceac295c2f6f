using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists invalid indexes left by failed concurrent builds (not the ones still being built).</summary>
[Cmdlet(VerbsCommon.Get, "PgInvalidIndex")]
[OutputType(typeof(PgInvalidIndex))]
public sealed class GetPgInvalidIndexCommand : PgPerfCmdlet
{
    /// <summary>Also list invalid indexes in PgPerf's own schema (pgperf), which are left out by default.</summary>
    [Parameter]
    public SwitchParameter IncludePgPerf { get; set; }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var invalid = Engine.Get<IIndexService>(target).GetInvalid(CancellationToken);
        WriteObject(invalid.Where(i => IncludePgPerf || !PgPerfOwnObjects.IsOwnSchema(i.Schema)), enumerateCollection: true);
    }
}
