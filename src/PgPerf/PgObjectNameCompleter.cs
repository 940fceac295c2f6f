using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace PgPerf;

/// <summary>
/// Tab completion for -Schema, -Table and -Index: asks the target the command would use (its -Connection, else
/// the session default, else the environment) with a short timeout. Completion must never get in the way of
/// typing, so every failure (no target, server down, no privilege) simply offers nothing.
/// </summary>
public abstract class PgObjectNameCompleter : IArgumentCompleter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly PgObjectKind _kind;

    protected PgObjectNameCompleter(PgObjectKind kind) => _kind = kind;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var target = Target(fakeBoundParameters);
            if (target is null)
                return Array.Empty<CompletionResult>();
            var schema = _kind == PgObjectKind.Schema ? null : fakeBoundParameters["Schema"] switch
            {
                string s => s,
                string[] { Length: 1 } a => a[0],
                _ => null,
            };
            using var cancellation = new CancellationTokenSource(Timeout);
            var prefix = wordToComplete.Trim('\'', '"');
            var task = Task.Run(() => EngineBridge.Engine.Get<ICatalogService>(target).ListNames(_kind, schema, prefix, 100, cancellation.Token));
            if (!task.Wait(Timeout))
                return Array.Empty<CompletionResult>();
            return task.Result.Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name)).ToList();
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    private static PgConnectionInfo? Target(IDictionary bound)
    {
        var connection = bound["Connection"];
        // -Connection db1, db2: names come from the first target.
        if (connection is object[] { Length: > 0 } several)
            connection = several[0];
        switch (connection)
        {
            case PgConnectionInfo info: return info;
            case PSObject { BaseObject: PgConnectionInfo info }: return info;
            case string text: return PgConnectionParser.Parse(text);
        }
        if (Runspace.DefaultRunspace is { } runspace && PgPerfCmdletBase.TryGetSessionDefault(runspace, out var sessionDefault))
            return sessionDefault;
        return PgConnectionParser.FromEnvironment();
    }

    // Names with spaces, quotes or other characters PowerShell would split on go in single quotes.
    private static string Quote(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c is '_' or '.') ? name : "'" + name.Replace("'", "''") + "'";
}

public sealed class PgSchemaNameCompleter : PgObjectNameCompleter
{
    public PgSchemaNameCompleter() : base(PgObjectKind.Schema) { }
}

public sealed class PgTableNameCompleter : PgObjectNameCompleter
{
    public PgTableNameCompleter() : base(PgObjectKind.Table) { }
}

public sealed class PgIndexNameCompleter : PgObjectNameCompleter
{
    public PgIndexNameCompleter() : base(PgObjectKind.Index) { }
}
