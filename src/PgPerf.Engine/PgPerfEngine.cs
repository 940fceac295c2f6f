using System.Collections.Concurrent;
using System.Reflection;

namespace PgPerf.Engine;

internal sealed class PgPerfEngine : IPgPerfEngine
{
    // One context (and so one NpgsqlDataSource pool) per target for the life of the process.
    private readonly ConcurrentDictionary<string, PgServerContext> _contexts = new();
    private readonly ConcurrentDictionary<(string, Type), object> _services = new();

    public PgConnectionInfo Test(PgConnectionInfo target, CancellationToken cancellationToken)
    {
        var context = Context(target);
        return context.Run(async connection =>
        {
            await Task.CompletedTask;
            target.ServerVersion = connection.PostgreSqlVersion.ToString();
            return target;
        }, cancellationToken);
    }

    public T Get<T>(PgConnectionInfo target) where T : class
    {
        var context = Context(target);
        return (T)_services.GetOrAdd((target.CacheKey, typeof(T)), _ => CreateService(typeof(T), context));
    }

    public PgPerfEngine() => QueryLog = new Query.QueryLogIngest(Get<IQueryLogService>);

    public IQueryLogIngest QueryLog { get; }

    public IScheduledTaskService ScheduledTasks() => new Operations.PgScheduledTaskManager();

    internal PgServerContext Context(PgConnectionInfo target) =>
        // A row's connection to a registered server says where reports read it; the context of the server itself must not.
        _contexts.GetOrAdd(target.CacheKey, _ => new PgServerContext(target.WithoutRegistration()));

    /// <summary>The Engine class implementing an area interface, bound to one target.</summary>
    internal static object CreateService(Type service, PgServerContext context)
    {
        var implementation = typeof(PgPerfEngine).Assembly.GetTypes().SingleOrDefault(t =>
            t is { IsClass: true, IsAbstract: false } && service.IsAssignableFrom(t))
            ?? throw new InvalidOperationException($"The Engine has no implementation of {service.Name}.");
        var constructor = implementation.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, new[] { typeof(PgServerContext) })
            ?? throw new InvalidOperationException($"{implementation.Name} needs a constructor taking PgServerContext.");
        return constructor.Invoke(new object[] { context });
    }
}
