using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace PgPerf.Engine.Query;

/// <summary>The Engine's one <see cref="IQueryLogIngest"/>: state that lives as long as the process.</summary>
internal sealed class QueryLogIngest : IQueryLogIngest
{
    private readonly Func<PgConnectionInfo, IQueryLogService> _service;

    // Which query-log services Measure-PgQuery has used, with which options: the first use writes synchronously.
    private readonly ConditionalWeakTable<IQueryLogService, ConcurrentDictionary<(string?, double), bool>> _measured = new();

    public QueryLogIngest(Func<PgConnectionInfo, IQueryLogService> service) => _service = service;

    public IQueryLogBatches OpenBatches(QueryLogBatchOptions options, CancellationToken cancellationToken) =>
        new QueryLogBatches(_service, options, cancellationToken);

    public string? ParametersJson(object? parameters) => ParameterJson.From(parameters);

    public PgQuerySendResult? Log(PgConnectionInfo target, PgQueryLogEntry entry, QuerySendOptions options)
    {
        var service = _service(target);
        // Not the caller's token: a stopped pipeline should still record the execution.
        if (_measured.GetOrCreateValue(service).TryAdd((options.SpoolDirectory, options.AlertThresholdMs), true))
            return service.Send(new[] { entry }, options, CancellationToken.None);
        service.Enqueue(entry, options);
        // What the background writer could not write since the last call (spooled, failed) is reported now.
        return service.TakeBackgroundResult();
    }

    public void FlushAll(TimeSpan timeout)
    {
        foreach (var (service, _) in _measured)
            service.Flush(timeout);
    }
}
