namespace PgPerf.Engine.Reports;

/// <summary>
/// Export-PgPerfReport: gathers each section through the same area services the cmdlets call (so every figure in
/// the page is what the matching cmdlet returns for the same window), renders one self-contained page, writes it.
/// </summary>
internal sealed partial class ReportService : IReportService
{
    // Get-PgTableBloat's Monitor band starts here: tables below it are healthy and stay out of the page.
    private const double BloatFloorPercent = 10;

    private readonly PgServerContext _context;

    public ReportService(PgServerContext context) => _context = context;

    public PgReportData Collect(PgReportOptions options, Action<string, int>? progress, CancellationToken cancellationToken)
    {
        var data = NewReport(options);
        var (start, end) = (data.Start, data.End);

        progress?.Invoke("Summary", 0);
        Section(data, "Summary", () => data.Summary = Service<ISummaryService>().Get(new PgSummaryOptions
        {
            Hours = options.Hours, ThresholdPercent = BloatFloorPercent, Top = options.TopRows,
        }, cancellationToken));
        if (data.Summary is not null)
            data.TableBloat = data.Summary.TableBloat.ToArray();

        var queries = Service<IQueryLogService>();
        progress?.Invoke("Queries per hour", 10);
        Section(data, "Queries", () => CollectQueries(data, queries, options, progress, cancellationToken));

        progress?.Invoke("Slow queries", 70);
        Section(data, "Slow queries", () => data.SlowQueries = queries.GetSlowQueries(
            new SlowQueryOptions { Hours = options.Hours, Top = options.TopRows }, cancellationToken).ToArray());

        progress?.Invoke("Statements", 72);
        var statements = Service<IStatementService>();
        Section(data, "Top statements", () => CollectStatements(data, statements, options, cancellationToken));
        Section(data, "Statement regressions", () => data.StatementRegressions = statements.Compare(
            StatementCompareOptions.Default(end), cancellationToken).Take(options.TopRows).ToArray());

        progress?.Invoke("Indexes", 80);
        var indexes = Service<IIndexService>();
        Section(data, "Unused indexes", () => data.UnusedIndexes = (data.Summary?.UnusedIndexes ?? Array.Empty<PgUnusedIndex>())
            .Select(i => WithDropPlan(indexes, i.Schema, i.Table, i.Index, i.SizeBytes, i.Status, "", i.DaysSinceLastScan, cancellationToken))
            .ToArray());
        Section(data, "Duplicate indexes", () => data.DuplicateIndexes = indexes.GetDuplicates(cancellationToken)
            .OrderByDescending(d => d.SizeBytes).Take(options.TopRows)
            .Select(d => WithDropPlan(indexes, d.Schema, d.Table, d.Index, d.SizeBytes, d.Kind, d.CoveredBy, 0, cancellationToken))
            .ToArray());

        progress?.Invoke("Bloat", 85);
        Section(data, "Bloat history", () =>
        {
            var shown = data.TableBloat.Select(t => (t.Schema, t.Table)).ToHashSet();
            data.BloatHistory = shown.Count == 0 ? Array.Empty<PgTableBloatPoint>()
                : Service<IBloatService>().GetHistory(start, cancellationToken).Where(p => shown.Contains((p.Schema, p.Table))).ToArray();
        });
        Section(data, "Index bloat", () => data.IndexBloat = IndexBloatSelection.WorstFirst(
            Service<IIndexBloatService>().Estimate(cancellationToken), BloatFloorPercent, 0).Take(options.TopRows).ToArray());

        progress?.Invoke("Health checks", 88);
        Section(data, "Health checks", () =>
        {
            var health = Service<IHealthCheckService>();
            var results = new List<PgHealthCheckResult>();
            var none = new Dictionary<string, double>();
            foreach (var check in PgHealthChecks.All)
                Section(data, $"Health check {check.Name}", () => results.Add(health.Run(check, none, cancellationToken)));
            data.HealthChecks = results.ToArray();
        });

        progress?.Invoke("Alerts", 90);
        Section(data, "Alerts", () => data.OpenAlerts = Service<IAlertService>().Get(
            new PgAlertFilter { OpenOnly = true, Top = options.TopRows }, cancellationToken).ToArray());
        progress?.Invoke("Done", 100);
        return data;
    }

    // The report's window: whole hours, ending with the one now falls in.
    private PgReportData NewReport(PgReportOptions options)
    {
        if (options.Hours < 1)
            throw new PgPerfException(PgPerfErrorIds.Report.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                $"Hours must be 1 or more (got {options.Hours}).") { ParameterName = "Hours" };
        var now = (options.Now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var end = ReportWindow.HourEnd(now);
        var start = end.AddHours(-options.Hours);
        var data = new PgReportData { GeneratedAt = now, Start = start, End = end, Hours = options.Hours };
        data.From(_context.Info);
        data.HourStarts = Enumerable.Range(0, options.Hours).Select(h => start.AddHours(h)).ToArray();
        return data;
    }

    private static void CollectQueries(PgReportData data, IQueryLogService queries, PgReportOptions options,
        Action<string, int>? progress, CancellationToken cancellationToken)
    {
        var top = options.TopQueries == 0 ? Array.Empty<PgQueryStat>()
            : queries.GetQueryStats(new QueryStatOptions { Start = data.Start, End = data.End, GroupBy = QueryStatGroupBy.Query }, cancellationToken)
                .Take(options.TopQueries).ToArray();
        var hour = HourIndex(data);
        var overall = new PgQueryStat?[data.Hours];
        foreach (var row in queries.GetQueryStatsByHour(new QueryStatOptions { Start = data.Start, End = data.End }, cancellationToken))
            overall[hour[row.Start]] = row;
        data.OverallByHour = overall;

        progress?.Invoke("Top queries per hour", 40);
        var perQuery = top.Select(_ => new PgQueryStat?[data.Hours]).ToArray();
        var index = top.Select((q, i) => (q.QueryHash ?? "", i)).ToDictionary(x => x.Item1, x => x.i);
        if (top.Length > 0)
            foreach (var row in queries.GetQueryStatsByHour(new QueryStatOptions
                     {
                         Start = data.Start, End = data.End, GroupBy = QueryStatGroupBy.Query, QueryHashes = top.Select(q => q.QueryHash ?? "").ToArray(),
                     }, cancellationToken))
                perQuery[index[row.QueryHash ?? ""]][hour[row.Start]] = row;
        data.TopQueries = top.Select((q, i) => new PgReportQuerySeries { QueryHash = q.QueryHash, QueryText = q.QueryText, Window = q, ByHour = perQuery[i] }).ToArray();
    }

    private static void CollectStatements(PgReportData data, IStatementService statements, PgReportOptions options, CancellationToken cancellationToken)
    {
        data.TopStatements = statements.GetTop(new StatementTopOptions { Since = data.Start, Until = data.End, Top = options.TopRows }, cancellationToken).ToArray();
        var charted = data.TopStatements.Take(options.TopQueries).ToArray();
        if (charted.Length == 0)
            return;
        var hour = HourIndex(data);
        var byHour = charted.ToDictionary(s => (s.QueryId, s.Database, s.User), _ => new PgStatementTrend?[data.Hours]);
        foreach (var row in statements.GetTrend(new StatementTrendOptions
                 {
                     QueryIds = charted.Select(s => s.QueryId).Distinct().ToArray(), Since = data.Start, Until = data.End,
                 }, cancellationToken))
            if (byHour.TryGetValue((row.QueryId, row.Database, row.User), out var series) && hour.TryGetValue(row.Hour, out var i))
                series[i] = row;
        data.StatementSeries = charted.Select(s => new PgReportStatementSeries { Window = s, ByHour = byHour[(s.QueryId, s.Database, s.User)] }).ToArray();
    }

    // The position of each hour in the report's grid, for series read per hour.
    private static Dictionary<DateTimeOffset, int> HourIndex(PgReportData data) =>
        data.HourStarts.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i);

    private static PgReportIndexDrop WithDropPlan(IIndexService indexes, string schema, string table, string index, long size, string status,
        string coveredBy, double daysSinceLastScan, CancellationToken cancellationToken)
    {
        PgIndexDropPlan? plan = null;
        string? why = null;
        try
        {
            plan = indexes.PlanDrop(schema, index, PgIndexDropPlan.DefaultLockTimeoutSeconds, cancellationToken);
        }
        catch (PgPerfException ex) when (ex.Kind is PgPerfErrorKind.InvalidOperation or PgPerfErrorKind.ObjectNotFound)
        {
            why = ex.Message;
        }
        return new PgReportIndexDrop
        {
            Schema = schema, Table = table, Index = index, SizeBytes = size, Status = status, CoveredBy = coveredBy,
            DaysSinceLastScan = daysSinceLastScan, DropSql = plan?.Sql ?? "", RollbackDdl = plan?.RollbackDdl ?? "", NotDroppable = why,
        };
    }

    // One section failing (no pgstattuple rights, an index dropped meanwhile, a timeout) leaves a note, not a broken report.
    private static void Section(PgReportData data, string name, Action read)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            read();
        }
        catch (PgPerfException ex) when (ex.Kind is not (PgPerfErrorKind.ConnectionError or PgPerfErrorKind.AuthenticationError or PgPerfErrorKind.NotInstalled))
        {
            data.Notes.Add($"{name}: {ex.Message}");
        }
        finally
        {
            data.SectionMs.Add(new(name, clock.Elapsed.TotalMilliseconds));
        }
    }

    public string Render(PgReportData data) => ReportHtml.Render(data);

    public IReadOnlyList<PgMetric> CollectMetrics(PgMetricOptions options, CancellationToken cancellationToken) =>
        Metrics(null, options, cancellationToken);

    public IReadOnlyList<PgMetric> CollectRepositoryMetrics(IReadOnlyList<PgMonitoredServer> servers, PgMetricOptions options, CancellationToken cancellationToken) =>
        ReportMetrics.Merge(servers.Select(server => Metrics(server, options, cancellationToken)).ToArray());

    private IReadOnlyList<PgMetric> Metrics(PgMonitoredServer? registered, PgMetricOptions options, CancellationToken cancellationToken) =>
        ReportMetrics.Collect(_context.Info, registered, options, Service<ISummaryService>(), Service<IQueryLogService>(), Service<IAlertService>(), cancellationToken);

    public PgReportFile Write(string content, string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new PgPerfException(PgPerfErrorIds.Report.InvalidPath, PgPerfErrorKind.InvalidArgument,
                $"The folder '{folder}' does not exist; create it or give another -Path.", path) { ParameterName = "Path" };
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, content, new System.Text.UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new PgPerfException(PgPerfErrorIds.Report.WriteFailed, PgPerfErrorKind.InvalidOperation,
                $"The file could not be written to '{full}': {ex.Message}", path, ex) { ParameterName = "Path" };
        }
        return new PgReportFile { Path = full, Bytes = new FileInfo(full).Length };
    }

    private T Service<T>() where T : class => (T)PgPerfEngine.CreateService(typeof(T), _context);
}

/// <summary>The report's hour grid, in UTC.</summary>
internal static class ReportWindow
{
    /// <summary>The end of the hour <paramref name="now"/> falls in: the current hour is the last bucket.</summary>
    internal static DateTimeOffset HourEnd(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var floor = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        return floor.AddHours(1);
    }
}
