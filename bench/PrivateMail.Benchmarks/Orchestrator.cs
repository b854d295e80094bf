using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MailKit;
using MimeKit;

namespace PrivateMail.Benchmarks;

/// <summary>
/// A measured process: <see cref="Cold"/> runs the measured work first thing in a fresh process (the first scan after a
/// deploy: start-up JIT, tier-0 code, empty caches); <see cref="Warm"/> first runs the same kind of work over a separate
/// warm-up folder in the same process, then measures (every later scan of a running server).
/// </summary>
internal enum ProcessState
{
    Cold,
    Warm,
}

/// <summary>What to run. Defaults are the full run; <c>--quick</c> is the smoke run (1,000 messages).</summary>
internal sealed record BenchSettings(
    IReadOnlyList<int> Sizes, IReadOnlyList<int> Contacts, int BindSize, int Repeat, int BatchSize, int LatencyMessages, int IntervalSeconds,
    string RepositoryRoot, string WorkDirectory, bool Quick, bool WriteReadme, bool Hold = false,
    PrivateMail.Web.Data.Providers.DatabaseProvider Provider = PrivateMail.Web.Data.Providers.DatabaseProvider.Sqlite)
{
    /// <summary>
    /// Enough for steady state: after 1,000 messages a 10,000-message scan still cost 23.4 CPU-s against 25.2 cold, after
    /// 10,000 it cost 17.3 (per-batch code reaches tier 1 only after ~30 batches; bench/OPTIMISATION.md).
    /// </summary>
    public const int DefaultWarmupSize = 10_000;

    /// <summary>The smoke run's: quick, and enough to exercise the warm path.</summary>
    public const int QuickWarmupSize = 1_000;

    /// <summary>Cold, warm or both (the default): <c>--cold</c> or <c>--warm</c> measures one of them only.</summary>
    public IReadOnlyList<ProcessState> States { get; init; } = [ProcessState.Cold, ProcessState.Warm];

    /// <summary>Messages in the warm-up folder (<c>--warmup N</c>): other generated mail, scanned unmeasured before a warm run.</summary>
    public int WarmupSize { get; init; } = DefaultWarmupSize;

    public static BenchSettings From(Arguments args)
    {
        var quick = args.Has("quick");
        var root = Path.GetFullPath(args.Get("repo", Directory.GetCurrentDirectory()));
        var sizes = args.GetInts("sizes", quick ? [1_000] : [1_000, 10_000, 50_000]);
        // --provider postgresql: the same measurements with the app storing into a private PostgreSQL 15.
        var provider = PrivateMail.Web.Data.Providers.DatabaseProviders.Parse(args.Find("provider"));
        var postgreSql = provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql;
        return new BenchSettings(
            sizes,
            args.GetInts("contacts", [100, 100_000]),
            args.GetInt("bind-size", Math.Min(10_000, sizes.Max())),
            args.GetInt("repeat", 3),
            args.GetInt("batch", 100),
            // The latency probe reads the SQLite file directly: not measured on PostgreSQL.
            args.GetInt("latency", postgreSql ? 0 : quick ? 10 : 50),
            args.GetInt("interval", 0),
            root,
            // SQLite on the real disk, like the app: fsync costs are part of the product. The server's mail is on tmpfs.
            args.Get("work-dir", Path.Combine(Path.GetTempPath(), "privatemail-bench-" + Guid.NewGuid().ToString("N")[..8])),
            quick,
            // A PostgreSQL run never replaces the README's SQLite table: its row is copied in by hand.
            !args.Has("no-readme") && !postgreSql,
            args.Has("hold"),
            provider)
        {
            States = StatesFrom(args),
            WarmupSize = args.GetInt("warmup", quick ? QuickWarmupSize : DefaultWarmupSize),
        };
    }

    private static IReadOnlyList<ProcessState> StatesFrom(Arguments args) => (args.Has("cold"), args.Has("warm")) switch
    {
        (true, false) => [ProcessState.Cold],
        (false, true) => [ProcessState.Warm],
        _ => [ProcessState.Cold, ProcessState.Warm],
    };
}

/// <summary>One scale point's measured runs, cold or warm.</summary>
internal sealed record Point(int Messages, int Contacts, List<WorkerResult> Bare, List<WorkerResult> Scan, ProcessState State = ProcessState.Cold);

internal static class Orchestrator
{
    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var load = LoadAverage();
        Directory.CreateDirectory(settings.WorkDirectory);
        Log($"Work directory {settings.WorkDirectory}");
        await using var dovecot = await BenchDovecot.StartAsync(cancellationToken);
        Log($"Dovecot on 127.0.0.1:{dovecot.Port}, mail in {dovecot.Directory}{(dovecot.OnTmpfs ? " (tmpfs)" : "")}");
        await using var postgres = settings.Provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql ? BenchPostgreSql.Start(Path.GetTempPath()) : null;
        if (postgres is not null)
        {
            BenchDatabase.Use(settings.Provider, postgres.Port);
            Log($"{postgres.Version()} on 127.0.0.1:{postgres.Port}, data in {postgres.Directory}");
        }

        var plan = CrmPlan.Create(settings.Contacts.Max());
        var templates = new Dictionary<int, string>();
        foreach (var contacts in settings.Contacts)
        {
            var clock = Stopwatch.StartNew();
            templates[contacts] = await Seeder.CreateTemplateAsync(plan, contacts, Path.Combine(settings.WorkDirectory, $"template-{contacts}"), cancellationToken);
            Log($"Template with {contacts:N0} contacts in {clock.Elapsed.TotalSeconds:F1} s");
        }

        var appendRates = new Dictionary<int, double>();
        var corpusBytes = new Dictionary<int, long>();
        foreach (var size in settings.Sizes.Append(settings.BindSize).Distinct())
        {
            (appendRates[size], corpusBytes[size]) = await LoadCorpusAsync(dovecot, plan, Folder(size), size, size, "b" + size.ToString(CultureInfo.InvariantCulture), cancellationToken);
            Log($"Loaded {size:N0} messages ({corpusBytes[size] / 1024.0 / 1024:F1} MB) with MULTIAPPEND at {appendRates[size]:N0} msg/s");
        }

        var warm = settings.States.Contains(ProcessState.Warm);
        if (warm)
        {
            // Other messages than any measured folder's (own seed, own Message-IDs), from the same generator: the same code paths.
            var (rate, bytes) = await LoadCorpusAsync(dovecot, plan, WarmupFolder, settings.WarmupSize, WarmupSeed, "w", cancellationToken);
            Log($"Loaded the warm-up folder: {settings.WarmupSize:N0} messages ({bytes / 1024.0 / 1024:F1} MB) at {rate:N0} msg/s");
        }

        if (settings.Hold)
        {
            // For profiling by hand: the server, corpus and templates stay up and the worker command lines are printed.
            foreach (var contacts in settings.Contacts)
            {
                Log($"worker scan --host {dovecot.Host} --port {dovecot.Port} --folder {Folder(settings.Sizes[0])} --batch {settings.BatchSize} --count {settings.Sizes[0]} --template {templates[contacts]} --run-dir {Path.Combine(settings.WorkDirectory, "run")}");
            }

            if (warm)
            {
                Log($"warm: add --warmup-folder {WarmupFolder} --warmup-count {settings.WarmupSize} to a bare or scan worker line");
            }

            Log("Holding: Ctrl+C or SIGTERM ends.");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var failures = new List<string>();
        var points = new List<Point>();
        foreach (var size in settings.Sizes)
        {
            var runs = settings.States.ToDictionary(s => s, _ => settings.Contacts.ToDictionary(c => c, _ => new List<WorkerResult>()));
            var bare = settings.States.ToDictionary(s => s, _ => new List<WorkerResult>());
            for (var round = 1; round <= settings.Repeat; round++)
            {
                // Interleaved, so a burst of load from another process hits both sides (and cold and warm) rather than one.
                foreach (var state in settings.States)
                {
                    bare[state].Add(await ChildAsync("bare", settings, dovecot, Folder(size), size, null, failures, cancellationToken, state));
                    foreach (var contacts in settings.Contacts)
                    {
                        runs[state][contacts].Add(await ChildAsync("scan", settings, dovecot, Folder(size), size, templates[contacts], failures, cancellationToken, state));
                    }
                }
            }

            foreach (var contacts in settings.Contacts)
            {
                // Warm must mean "the same work, done by a process that has scanned before": every run stores the same.
                if (SameWork(settings.States.SelectMany(s => runs[s][contacts])) is { } mismatch)
                {
                    failures.Add($"scan {Folder(size)}, {contacts:N0} contacts: the runs did different work: {mismatch}");
                    Log($"scan {Folder(size)}: DIFFERENT WORK: {mismatch}");
                }

                foreach (var state in settings.States)
                {
                    points.Add(new Point(size, contacts, bare[state], runs[state][contacts], state));
                }
            }
        }

        var bind = settings.Contacts.ToDictionary(c => c, _ => new List<WorkerResult>());
        for (var round = 1; round <= settings.Repeat; round++)
        {
            foreach (var contacts in settings.Contacts)
            {
                bind[contacts].Add(await ChildAsync("bind", settings, dovecot, Folder(settings.BindSize), settings.BindSize, templates[contacts], failures, cancellationToken));
            }
        }

        WorkerResult? latency = null;
        if (settings.LatencyMessages > 0)
        {
            using (var client = await dovecot.ConnectAsync(cancellationToken))
            {
                await BenchDovecot.FolderAsync(client, "Latency", cancellationToken);
            }

            latency = await ChildAsync("latency", settings, dovecot, "Latency", settings.LatencyMessages, templates[settings.Contacts.Min()], failures, cancellationToken);
        }

        var report = new Report(settings, started, load, LoadAverage(), dovecot.Version(), dovecot.OnTmpfs, appendRates, corpusBytes, points, bind, latency, failures);
        var markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        report.Write(markdown);
        try
        {
            Directory.Delete(settings.WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS: it is under the temp folder.
        }

        return failures.Count == 0 ? 0 : 1;
    }

    public const string WarmupFolder = "Bench-warmup";

    /// <summary>The warm-up corpus' generator seed: no measured folder uses it (theirs is their size).</summary>
    private const int WarmupSeed = 7;

    public static string Folder(int size) => "Bench-" + size.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Null when every successful run stored, bound and ticketed the same (the RESULT counters, stage clocks aside);
    /// else the first difference.
    /// </summary>
    public static string? SameWork(IEnumerable<WorkerResult> runs)
    {
        var done = runs.Where(r => r.Error is null).ToList();
        if (done.Count < 2)
        {
            return null;
        }

        static string Work(WorkerResult r) => string.Join(", ", r.Counters.Where(c => !c.Key.StartsWith("stage.", StringComparison.Ordinal)).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
        var first = Work(done[0]);
        return done.Skip(1).Select(r => (Run: r, Work: Work(r))).FirstOrDefault(w => w.Work != first) is { Run: not null } other
            ? $"{(done[0].Warm ? "warm" : "cold")}: {first}; {(other.Run.Warm ? "warm" : "cold")}: {other.Work}"
            : null;
    }

    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

    private static async Task<(double Rate, long Bytes)> LoadCorpusAsync(BenchDovecot dovecot, CrmPlan plan, string folderName, int size, int seed, string idPrefix, CancellationToken cancellationToken)
    {
        using var client = await dovecot.ConnectAsync(cancellationToken);
        var folder = await BenchDovecot.FolderAsync(client, folderName, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        if (folder.Count == size)
        {
            return (0, 0);
        }

        var generator = new MessageGenerator(plan, seed);
        long bytes = 0;
        var appending = TimeSpan.Zero;
        for (var start = 0; start < size; start += 250)
        {
            var requests = new List<IAppendRequest>();
            for (var i = start; i < Math.Min(size, start + 250); i++)
            {
                var message = generator.Next(i, idPrefix);
                requests.Add(new AppendRequest(message, MessageFlags.Seen) { InternalDate = message.Date });
            }

            bytes += requests.Sum(r => r.Message.ToString().Length);
            var clock = Stopwatch.StartNew();
            // MailKit sends one MULTIAPPEND command for the list when the server has the capability.
            await folder.AppendAsync(requests, cancellationToken);
            appending += clock.Elapsed;
        }

        await client.DisconnectAsync(true, cancellationToken);
        return (size / appending.TotalSeconds, bytes);
    }

    /// <summary>Workers started so far: each gets its own run directory.</summary>
    private static int _runs;

    private static async Task<WorkerResult> ChildAsync(string kind, BenchSettings settings, BenchDovecot dovecot, string folder, int count, string? template, List<string> failures, CancellationToken cancellationToken,
        ProcessState state = ProcessState.Cold)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(Orchestrator).Assembly.Location);
        }

        string[] arguments =
        [
            "worker", kind, "--host", dovecot.Host, "--port", dovecot.Port.ToString(CultureInfo.InvariantCulture), "--folder", folder,
            "--batch", settings.BatchSize.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture),
            "--interval", settings.IntervalSeconds.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var argument in arguments.Concat(BenchDatabase.WorkerArguments()))
        {
            info.ArgumentList.Add(argument);
        }

        if (state == ProcessState.Warm)
        {
            info.ArgumentList.Add("--warmup-folder");
            info.ArgumentList.Add(WarmupFolder);
            info.ArgumentList.Add("--warmup-count");
            info.ArgumentList.Add(settings.WarmupSize.ToString(CultureInfo.InvariantCulture));
        }

        if (template is not null)
        {
            info.ArgumentList.Add("--template");
            info.ArgumentList.Add(template);
            // A directory of its own for every worker, all removed with the work directory at the end: deleting a run's
            // files right before the next one would slow that one's file creation (see Workers.ResetDataDirectoryAsync).
            info.ArgumentList.Add("--run-dir");
            info.ArgumentList.Add(Path.Combine(settings.WorkDirectory, "run-" + Interlocked.Increment(ref _runs).ToString(CultureInfo.InvariantCulture)));
        }

        var probe = SpeedProbe.Milliseconds();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start a worker.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        WorkerResult? result = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<WorkerResult>(line[7..]);
            }
        }

        await process.WaitForExitAsync(cancellationToken);
        var errors = await stderr;
        if (result is null || process.ExitCode != 0)
        {
            failures.Add($"{kind} {folder}: exit {process.ExitCode}: {errors.Trim()}");
            Log($"{kind} {folder} FAILED: {errors.Trim()}");
            return new WorkerResult { Kind = kind, Error = errors.Trim() };
        }

        if (result.Error is not null)
        {
            failures.Add($"{kind} {folder}: {result.Error}");
        }

        result = result with { SpeedProbeMilliseconds = probe };

        if (Environment.GetEnvironmentVariable("PRIVATEMAIL_BENCH_VERBOSE") == "1" && errors.Length > 0)
        {
            // The worker's own report (JIT, allocations, collections, stage table) after its line, for profiling runs.
            Console.Error.WriteLine(errors.TrimEnd());
        }

        var label = (template is null ? "" : $" ({Path.GetFileName(Path.GetDirectoryName(template))})") + (state == ProcessState.Warm ? " warm" : kind is "bare" or "scan" ? " cold" : "");
        Log(kind == "latency"
            ? $"latency: median {Stats.Median(result.Latencies) * 1000:F0} ms, p95 {Stats.Percentile(result.Latencies, 0.95) * 1000:F0} ms"
            : $"{kind} {folder}{label}: {result.Messages:N0} in {result.Seconds:F2} s = {result.PerSecond:N0} msg/s, {result.CpuSeconds:F2} CPU-s, peak {result.PeakWorkingSet / 1048576.0:F0} MB, speed probe {probe:F0} ms{(result.Error is null ? "" : " ERROR " + result.Error)}");
        return result;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>Nearest-rank percentile (the median of an even count is the mean of the middle two).</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        if (p == 0.5 && sorted.Count % 2 == 0)
        {
            return (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
