using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Reports the installed and latest schema versions and the pending migrations.</summary>
[Cmdlet(VerbsCommon.Get, "PgPerfSchema")]
[OutputType(typeof(PgPerfSchemaInfo))]
public sealed class GetPgPerfSchemaCommand : PgPerfCmdlet
{
    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var status = Engine.Get<ISchemaService>(target).GetStatus(CancellationToken);
        foreach (var changed in status.Modified)
            WriteWarning($"Migration {changed} was changed after it was applied on {target.Server}; the schema may differ from what this module expects.");
        WriteObject(status);
    }
}
