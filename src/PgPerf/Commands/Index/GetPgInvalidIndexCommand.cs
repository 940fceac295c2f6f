using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists invalid indexes left by failed concurrent builds (not the ones still being built).</summary>
[Cmdlet(VerbsCommon.Get, "PgInvalidIndex")]
[OutputType(typeof(PgInvalidIndex))]
public sealed class GetPgInvalidIndexCommand : PgPerfCmdlet
{
    protected override void ProcessRecord()
    {
        try
        {
            var target = ResolveConnection();
            WriteObject(Engine.Get<IIndexService>(target).GetInvalid(CancellationToken), enumerateCollection: true);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }
}
