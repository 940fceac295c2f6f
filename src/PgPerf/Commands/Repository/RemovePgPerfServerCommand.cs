using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Forgets servers registered in a central repository, and deletes their history there (statement statistics and
/// every other per-server row). Nothing is changed on the monitored server itself.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PgPerfServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemovePgPerfServerCommand : PgRepositoryCmdlet
{
    /// <summary>Registered names (wildcards), or the Name of rows piped from Get-PgPerfServer.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (TryOpenRepository() is not { } repository)
            return;
        TryInvoke(() =>
            {
                var servers = Matching(repository.Registry.List(CancellationToken), Name).ToList();
                ReportUnmatched(servers, Name, repository.Target);
                foreach (var server in servers)
                {
                    if (!ShouldProcess($"server {server.Name} (id {server.ServerId}) in repository {repository.Target.Server}",
                            "Unregister, and delete its history from the repository"))
                        continue;
                    TryInvoke(() =>
                    {
                        if (repository.Registry.Remove(server.ServerId, CancellationToken))
                            WriteVerbose($"Removed {server.Name} (id {server.ServerId}) and its history from {repository.Target.Server}.");
                    });
                }
            });
    }
}
