namespace PgPerf;

/// <summary>One migration file shipped with the module.</summary>
public sealed class PgMigration
{
    public PgMigration(int version, string name)
    {
        Version = version;
        Name = name;
    }

    public int Version { get; }
    public string Name { get; }
    public override string ToString() => $"{Version:000}_{Name}";
}

/// <summary>The state of the pgperf schema in one database.</summary>
public sealed class PgPerfSchemaInfo
{
    public string Server { get; init; } = "";
    public string? Database { get; init; }
    public bool Installed => InstalledVersion > 0;

    /// <summary>Highest applied migration, 0 when the schema is not installed.</summary>
    public int InstalledVersion { get; init; }

    /// <summary>Highest migration this module ships.</summary>
    public int LatestVersion { get; init; }

    public PgList<PgMigration> Pending { get; init; } = PgList<PgMigration>.None;

    /// <summary>Migrations applied by this call (Install-PgPerfSchema only).</summary>
    public PgList<PgMigration> AppliedNow { get; init; } = PgList<PgMigration>.None;

    /// <summary>Applied migrations whose file changed after it was applied (should never happen).</summary>
    public PgList<PgMigration> Modified { get; init; } = PgList<PgMigration>.None;

    public string? ServerVersion { get; init; }

    /// <summary>What the migrations applied by this call told the installer (roles created or skipped, ...).</summary>
    public PgList<PgMigrationNotice> Notices { get; init; } = PgList<PgMigrationNotice>.None;
}

/// <summary>A NOTICE or WARNING a migration raised while Install-PgPerfSchema applied it.</summary>
public sealed class PgMigrationNotice
{
    public PgMigrationNotice(string migration, string severity, string message)
    {
        Migration = migration;
        Severity = severity;
        Message = message;
    }

    public string Migration { get; }

    /// <summary>The server's severity: NOTICE, INFO or WARNING.</summary>
    public string Severity { get; }

    public string Message { get; }

    public bool IsWarning => Severity == "WARNING";

    public override string ToString() => $"{Migration}: {Message}";
}
