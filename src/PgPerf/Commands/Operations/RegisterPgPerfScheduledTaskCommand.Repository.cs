using System.Management.Automation;

namespace PgPerf.Commands;

// Register-PgPerfScheduledTask -Repository (issue 17): one entry per job for a whole fleet. The entry runs the job
// cmdlet with -Repository, so a server added to (or removed from) the repository later needs no new entry, and
// the entry exits 1 when the job failed on any registered server.
public sealed partial class RegisterPgPerfScheduledTaskCommand
{
    /// <summary>A central repository (Install-PgPerfSchema -Repository): the entry runs the job over every server registered there.</summary>
    [Parameter]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>The database the entry connects to: -Repository, else the one target of -Connection (or the default).</summary>
    private PgConnectionInfo ResolveJobTarget()
    {
        if (Repository is null)
            return ResolveConnection();
        if (Connection is { Length: > 0 })
            throw new PgPerfException(PgPerfErrorIds.Schedule.RepositoryWithConnection, PgPerfErrorKind.InvalidArgument,
                "-Repository and -Connection both name the database the entry connects to. Give -Repository for one entry that runs the job " +
                "over every server registered in that repository, or -Connection for a database that holds its own pgperf schema.")
            { ParameterName = nameof(Repository) };
        return WithCredential(Repository.Resolve());
    }

    /// <summary>Whom the job runs for, as the -WhatIf and -Confirm text says it.</summary>
    private string ForWhom() => Repository is null ? "" : " for every server registered in the repository";
}
