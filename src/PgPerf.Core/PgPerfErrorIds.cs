namespace PgPerf;

/// <summary>
/// Every error id PgPerf raises (ErrorRecord.FullyQualifiedErrorId starts with it), one constant each, grouped by
/// area as PgPerfErrorIds.&lt;Area&gt;.&lt;What&gt; for PgPerf.&lt;Area&gt;.&lt;What&gt;. Ids are a public contract: scripts and
/// schedulers match on them, so an id is never renamed or reused. docs/errors.md says what each means and what to do;
/// tests/pester/ErrorIds.Tests.ps1 holds the two together and finds any id written as a literal elsewhere.
/// Code decides on ids (or SQLSTATE, or the exception type), never on message text.
/// </summary>
public static class PgPerfErrorIds
{
    // Server errors of any area (translated from SQLSTATE by PgErrors.Translate).
    public const string LockNotAvailable = "PgPerf.LockNotAvailable";
    public const string PermissionDenied = "PgPerf.PermissionDenied";
    public const string Timeout = "PgPerf.Timeout";
    public const string Unexpected = "PgPerf.Unexpected";

    /// <summary>Finding and reaching the server (-Connection, PGPERF_CONNECTION, libpq variables, login).</summary>
    public static class Connection
    {
        private const string Prefix = "PgPerf.Connection.";

        public const string AuthenticationFailed = "PgPerf.Connection.AuthenticationFailed";
        public const string DatabaseNotFound = "PgPerf.Connection.DatabaseNotFound";
        public const string Failed = "PgPerf.Connection.Failed";
        public const string InvalidConnectionString = "PgPerf.Connection.InvalidConnectionString";
        public const string NotSpecified = "PgPerf.Connection.NotSpecified";
        public const string SingleTarget = "PgPerf.Connection.SingleTarget";

        /// <summary>True for every id of this area (reaching the server or logging in).</summary>
        public static bool Includes(string errorId) => errorId.StartsWith(Prefix, StringComparison.Ordinal);
    }

    /// <summary>The pgperf schema in the database (Install-PgPerfSchema).</summary>
    public static class Schema
    {
        public const string NotInstalled = "PgPerf.Schema.NotInstalled";
        public const string Outdated = "PgPerf.Schema.Outdated";
    }

    /// <summary>A server error with no more specific id.</summary>
    public static class Database
    {
        public const string Error = "PgPerf.Database.Error";
    }

    /// <summary>Query logs (Send-PgQueryLog, Get-PgSlowQuery, Get-PgQueryStat).</summary>
    public static class Query
    {
        public const string BufferFull = "PgPerf.Query.BufferFull";
        public const string EmptyQueryText = "PgPerf.Query.EmptyQueryText";
        public const string InvalidArgument = "PgPerf.Query.InvalidArgument";
        public const string InvalidDuration = "PgPerf.Query.InvalidDuration";
        public const string InvalidField = "PgPerf.Query.InvalidField";
        public const string InvalidLoggedAt = "PgPerf.Query.InvalidLoggedAt";
        public const string InvalidParameters = "PgPerf.Query.InvalidParameters";
        public const string InvalidTimeRange = "PgPerf.Query.InvalidTimeRange";
        public const string SpoolDamaged = "PgPerf.Query.SpoolDamaged";
        public const string SpoolFailed = "PgPerf.Query.SpoolFailed";
        public const string SpoolRejected = "PgPerf.Query.SpoolRejected";
        public const string WriterFailed = "PgPerf.Query.WriterFailed";
    }

    /// <summary>pg_stat_statements (Invoke-PgStatementSnapshot, Get-PgTopStatement, Compare-PgStatement).</summary>
    public static class Statements
    {
        public const string InvalidTimeRange = "PgPerf.Statements.InvalidTimeRange";
        public const string NotAvailable = "PgPerf.Statements.NotAvailable";
    }

    /// <summary>Index usage (Get-PgUnusedIndex, Get-PgIndexTrend, Remove-PgIndex).</summary>
    public static class Index
    {
        public const string Ambiguous = "PgPerf.Index.Ambiguous";
        public const string AmbiguousTable = "PgPerf.Index.AmbiguousTable";
        public const string AttachedToParent = "PgPerf.Index.AttachedToParent";
        public const string ConstraintBacked = "PgPerf.Index.ConstraintBacked";
        public const string InvalidArgument = "PgPerf.Index.InvalidArgument";
        public const string NotFound = "PgPerf.Index.NotFound";
        public const string TableNotFound = "PgPerf.Index.TableNotFound";
    }

    /// <summary>Table and index bloat (Get-PgTableBloat, Get-PgIndexBloat, Invoke-PgBloatSnapshot, Invoke-PgVacuum).</summary>
    public static class Bloat
    {
        public const string ExtensionMissing = "PgPerf.Bloat.ExtensionMissing";
        public const string IndexNotFound = "PgPerf.Bloat.IndexNotFound";
        public const string PermissionDenied = "PgPerf.Bloat.PermissionDenied";
        public const string TableNotFound = "PgPerf.Bloat.TableNotFound";
    }

    /// <summary>Health checks (Invoke-PgHealthCheck).</summary>
    public static class Health
    {
        public const string CheckFailed = "PgPerf.Health.CheckFailed";
        public const string Critical = "PgPerf.Health.Critical";
        public const string UnknownCheck = "PgPerf.Health.UnknownCheck";
        public const string SinceWithoutRepository = "PgPerf.Health.SinceWithoutRepository";
    }

    /// <summary>Stopping sessions (Stop-PgSession).</summary>
    public static class Session
    {
        public const string NotClient = "PgPerf.Session.NotClient";
        public const string NotFound = "PgPerf.Session.NotFound";
        public const string OwnSession = "PgPerf.Session.OwnSession";
        public const string PermissionDenied = "PgPerf.Session.PermissionDenied";
    }

    /// <summary>Replication (Get-PgReplicationStatus).</summary>
    public static class Replication
    {
        public const string InvalidThreshold = "PgPerf.Replication.InvalidThreshold";
    }

    /// <summary>Alerts (Get-PgPerfAlert, Resolve-PgPerfAlert).</summary>
    public static class Alert
    {
        public const string NotFound = "PgPerf.Alert.NotFound";
    }

    /// <summary>The hourly and daily jobs (Invoke-PgHourlyMonitoring, Invoke-PgDailyMaintenance).</summary>
    public static class Job
    {
        public const string StepFailed = "PgPerf.Job.StepFailed";
    }

    /// <summary>Retention (Invoke-PgPerfRetention, the daily job).</summary>
    public static class Retention
    {
        public const string InvalidArgument = "PgPerf.Retention.InvalidArgument";
        public const string UnknownTable = "PgPerf.Retention.UnknownTable";
    }

    /// <summary>Scheduled jobs (Register-, Get-, Unregister-PgPerfScheduledTask).</summary>
    public static class Schedule
    {
        public const string AtNotForHourly = "PgPerf.Schedule.AtNotForHourly";
        public const string ConnectionFileNotFound = "PgPerf.Schedule.ConnectionFileNotFound";
        public const string ConnectionFileNotPrivate = "PgPerf.Schedule.ConnectionFileNotPrivate";
        public const string Failed = "PgPerf.Schedule.Failed";
        public const string InvalidTime = "PgPerf.Schedule.InvalidTime";
        public const string NotFound = "PgPerf.Schedule.NotFound";
        public const string PasswordNotAllowed = "PgPerf.Schedule.PasswordNotAllowed";
        public const string PwshIsDotnet = "PgPerf.Schedule.PwshIsDotnet";
        public const string PwshNotFound = "PgPerf.Schedule.PwshNotFound";
        public const string RepositoryWithConnection = "PgPerf.Schedule.RepositoryWithConnection";
        public const string SchedulerUnavailable = "PgPerf.Schedule.SchedulerUnavailable";
        public const string SecretInConnection = "PgPerf.Schedule.SecretInConnection";
    }

    /// <summary>Reports and exports (Export-PgPerfReport, Export-PgPerfMetric).</summary>
    public static class Report
    {
        public const string FileExists = "PgPerf.Report.FileExists";
        public const string InvalidArgument = "PgPerf.Report.InvalidArgument";
        public const string InvalidPath = "PgPerf.Report.InvalidPath";
        public const string WriteFailed = "PgPerf.Report.WriteFailed";
    }

    /// <summary>The central repository and its registered servers (Add-/Get-/Remove-PgPerfServer, -Repository).</summary>
    public static class Repository
    {
        public const string MonitorRoleMissing = "PgPerf.Repository.MonitorRoleMissing";
        public const string NameTaken = "PgPerf.Repository.NameTaken";
        public const string NameWithManyServers = "PgPerf.Repository.NameWithManyServers";
        public const string NotPrepared = "PgPerf.Repository.NotPrepared";
        public const string NotWithRepository = "PgPerf.Repository.NotWithRepository";
        public const string PasswordNotStored = "PgPerf.Repository.PasswordNotStored";
        public const string ServerNotFound = "PgPerf.Repository.ServerNotFound";
        public const string ServerWithoutRepository = "PgPerf.Repository.ServerWithoutRepository";
    }
}
