using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Creates or upgrades schema pgperf by applying the pending migrations, under an advisory lock.</summary>
[Cmdlet(VerbsLifecycle.Install, "PgPerfSchema", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgPerfSchemaInfo))]
public sealed class InstallPgPerfSchemaCommand : PgPerfCmdlet
{
    /// <summary>
    /// Prepares the target as a central repository: the same schema (one set of tables and rules), marked so that
    /// Add-PgPerfServer registers servers in it.
    /// </summary>
    [Parameter]
    public SwitchParameter Repository { get; set; }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var schema = Engine.Get<ISchemaService>(target);
        var status = schema.GetStatus(CancellationToken);

        var approved = status.Pending
            .Where(m => ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", $"Apply PgPerf migration {m}"))
            .Select(m => m.Version)
            .ToArray();
        var result = status;
        if (approved.Length == 0)
        {
            WriteVerbose(status.Pending.Length == 0 ? $"Schema pgperf on {target.Server} is current (version {status.InstalledVersion})." : "No migration applied.");
        }
        else
        {
            result = schema.Install(approved, CancellationToken);
            foreach (var migration in result.AppliedNow)
                WriteVerbose($"Applied migration {migration} on {target.Server}.");
            // Roles that could not be created, grants that could not be given: the operator has to act on these.
            foreach (var notice in result.Notices)
            {
                if (notice.IsWarning) WriteWarning($"{notice.Migration} on {target.Server}: {notice.Message}");
                else WriteVerbose($"{notice.Migration} on {target.Server}: {notice.Message}");
            }
        }

        if (Repository && result.Pending.Length == 0
            && ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", "Prepare as a central PgPerf repository"))
        {
            var since = Engine.Get<IRepositoryService>(target).Prepare(CancellationToken);
            WriteVerbose($"{target.Server} is a PgPerf repository since {since:u}; register servers with Add-PgPerfServer -Repository.");
        }
        WriteObject(result);
    }
}
