using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Base of the registry cmdlets (Add-, Get-, Remove-PgPerfServer): -Repository, the central database prepared by
/// Install-PgPerfSchema -Repository, resolved like any -Connection value.
/// </summary>
public abstract class PgRepositoryCmdlet : PgPerfCmdletBase
{
    /// <summary>The repository database: a connection string, host[:port][/database], or a PgConnectionInfo.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public PgTarget Repository { get; set; } = null!;

    /// <summary>The registry of -Repository, after checking the database was prepared as a repository.</summary>
    protected OpenedRepository OpenRepository()
    {
        var target = Repository.Resolve();
        var registry = InstalledService<IRepositoryService>(target);
        registry.EnsurePrepared(CancellationToken);
        return new OpenedRepository(target, registry);
    }

    /// <summary>Opens -Repository, or writes why it cannot be opened and returns null.</summary>
    protected OpenedRepository? TryOpenRepository()
    {
        OpenedRepository? repository = null;
        TryInvoke(() => repository = OpenRepository());
        return repository;
    }

    protected sealed record OpenedRepository(PgConnectionInfo Target, IRepositoryService Registry);

    /// <summary>The registered servers whose name matches any of the patterns (all when none).</summary>
    internal static IEnumerable<PgMonitoredServer> Matching(IEnumerable<PgMonitoredServer> servers, string[]? names)
    {
        if (names is not { Length: > 0 })
            return servers;
        var patterns = names.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
        return servers.Where(s => patterns.Any(p => p.IsMatch(s.Name)));
    }

    /// <summary>The names without wildcards that matched no registered server.</summary>
    internal static IEnumerable<string> Unmatched(IReadOnlyCollection<PgMonitoredServer> servers, string[]? names) =>
        (names ?? Array.Empty<string>()).Where(name => !WildcardPattern.ContainsWildcardCharacters(name)
            && !servers.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)));

    internal static PgPerfException ServerNotFound(string name, PgConnectionInfo repository, string parameterName) =>
        new(PgPerfErrorIds.Repository.ServerNotFound, PgPerfErrorKind.ObjectNotFound,
            $"No server named '{name}' is registered in {repository.Server}. Get-PgPerfServer lists the registered servers; Add-PgPerfServer registers one.",
            name) { ParameterName = parameterName };

    /// <summary>One error per name without wildcards that matched no registered server.</summary>
    protected void ReportUnmatched(IReadOnlyCollection<PgMonitoredServer> servers, string[]? names, PgConnectionInfo repository)
    {
        foreach (var name in Unmatched(servers, names))
            WriteError(ToErrorRecord(ServerNotFound(name, repository, "Name")));
    }
}
