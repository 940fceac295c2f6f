using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Runs VACUUM on tables, typically piped from Get-PgTableBloat. -Full rewrites the table and gives the space back
/// to the operating system, but holds an ACCESS EXCLUSIVE lock while it runs; it asks for confirmation like a
/// ConfirmImpact High command.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgVacuum", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgVacuumResult))]
public sealed class InvokePgVacuumCommand : PgPerfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("tablename")]
    [ArgumentCompleter(typeof(PgTableNameCompleter))]
    public string[] Table { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("schemaname")]
    [ArgumentCompleter(typeof(PgSchemaNameCompleter))]
    public string Schema { get; set; } = "public";

    [Parameter]
    public SwitchParameter Full { get; set; }

    [Parameter]
    public SwitchParameter Analyze { get; set; }

    /// <summary>Skip the confirmation that -Full asks for.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private bool _warned;
    private bool _needsHighImpactConfirmation;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        // Session state is read here, on the pipeline thread, not by the workers of many targets.
        _needsHighImpactConfirmation = NeedsHighImpactConfirmation();
    }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = Engine.Get<IBloatService>(target);

        foreach (var table in Table)
        {
            var sql = PgVacuumSql.Build(Schema, table, Full, Analyze);
            // Checked before ShouldProcess, so -WhatIf does not promise to vacuum a table that is not there.
            if (!TryInvoke(() => service.EnsureTableExists(Schema, table, CancellationToken)))
                continue;
            if (Full && !_warned)
            {
                WriteWarning("VACUUM FULL takes an ACCESS EXCLUSIVE lock: reads and writes of the table wait until it finishes, and it needs free disk space for a full copy. Run it in a maintenance window.");
                _warned = true;
            }
            if (!ShouldProcess($"database {target.Database ?? "(default)"} on {target.Server}", sql))
                continue;
            if (Full && !Force && _needsHighImpactConfirmation &&
                !ShouldContinue($"{sql} locks {PgIdentifier.Qualify(Schema, table)} against reads and writes until it finishes. Continue?", "Confirm VACUUM FULL"))
                continue;

            TryInvoke(() =>
            {
                WriteVerbose($"Running {sql} on {target.Server}.");
                WriteObject(service.Vacuum(Schema, table, Full, Analyze, CancellationToken));
            });
        }
    }

    // -Full behaves as ConfirmImpact High: it asks unless $ConfirmPreference is None or -Confirm:$false was given
    // (with -Confirm, ShouldProcess has already asked).
    private bool NeedsHighImpactConfirmation()
    {
        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm))
            return false;
        var preference = GetVariableValue("ConfirmPreference");
        var value = preference is PSObject ps ? ps.BaseObject : preference;
        return value is not ConfirmImpact impact || (impact != ConfirmImpact.None && impact <= ConfirmImpact.High);
    }
}
