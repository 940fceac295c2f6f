using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Creates or upgrades schema pgperf by applying the pending migrations, under an advisory lock.</summary>
[Cmdlet(VerbsLifecycle.Install, "PgPerfSchema", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgPerfSchemaInfo))]
public sealed class InstallPgPerfSchemaCommand : PgPerfCmdlet
{
    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var schema = Engine.Get<ISchemaService>(target);
        var status = schema.GetStatus(CancellationToken);

        var approved = status.Pending
            .Where(m => ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", $"Apply PgPerf migration {m}"))
            .Select(m => m.Version)
            .ToArray();
        if (approved.Length == 0)
        {
            WriteVerbose(status.Pending.Length == 0 ? $"Schema pgperf on {target.Server} is current (version {status.InstalledVersion})." : "No migration applied.");
            WriteObject(status);
            return;
        }

        var result = schema.Install(approved, CancellationToken);
        foreach (var migration in result.AppliedNow)
            WriteVerbose($"Applied migration {migration} on {target.Server}.");
        // Roles that could not be created, grants that could not be given: the operator has to act on these.
        foreach (var notice in result.Notices)
        {
            if (notice.IsWarning) WriteWarning($"{notice.Migration} on {target.Server}: {notice.Message}");
            else WriteVerbose($"{notice.Migration} on {target.Server}: {notice.Message}");
        }
        WriteObject(result);
    }
}
